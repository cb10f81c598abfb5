-- clientbook schema, version 2.

-- Clients written by an import whose search text is not indexed yet (ids first..last).
-- An import commits its clients first and indexes their search text after, in a
-- transaction of its own (the trigram index costs more than the rows themselves);
-- a row here after that is an import stopped in between, indexed on the next open.
-- Local and derived, like client_search.
CREATE TABLE search_backlog (
    first_id INTEGER NOT NULL,
    last_id  INTEGER NOT NULL
);
