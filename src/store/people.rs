//! A company's contact people, with the decision-maker flag.

use super::error::{StoreError, StoreResult};
use super::write::{int, opt_text, text, Entity};
use super::{Store, Viewer};
use crate::domain::contact::{normalize_email, normalize_phone};
use crate::domain::text::clean;

/// A contact person as typed in a form or on the command line.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct NewPerson {
    pub name: String,
    pub position: Option<String>,
    pub phone: Option<String>,
    pub email: Option<String>,
    pub decision_maker: bool,
}

impl Store {
    /// Adds a contact person to a client; the phone and e-mail are checked and
    /// normalised like the client's own.
    pub fn add_contact_person(
        &mut self,
        viewer: &Viewer,
        number: &str,
        person: &NewPerson,
    ) -> StoreResult<()> {
        let id = self.resolve_writable(viewer, number)?;
        let name = clean(&person.name)
            .ok_or_else(|| StoreError::Required(crate::i18n::tr("field.name")))?;
        let phone = person
            .phone
            .as_deref()
            .and_then(clean)
            .map(|p| normalize_phone(&p))
            .transpose()?;
        let email = person
            .email
            .as_deref()
            .and_then(clean)
            .map(|e| normalize_email(&e))
            .transpose()?;
        self.write(Some(viewer), |w| {
            w.insert(
                Entity::ContactPerson,
                &[
                    ("client_id", int(id)),
                    ("name", text(name)),
                    (
                        "position",
                        opt_text(person.position.as_deref().and_then(clean)),
                    ),
                    ("phone", opt_text(phone)),
                    ("email", opt_text(email)),
                    ("decision_maker", int(person.decision_maker.into())),
                ],
            )?;
            Ok(())
        })
    }
}
