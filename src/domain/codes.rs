//! The closed vocabularies of a client record. Each value has a stable code (what the
//! database, JSON and CSV hold) and a label from the string tables (what people read).

use crate::domain::text::fold;
use crate::i18n::{tr, tr_in, Lang};

macro_rules! code_enum {
    ($(#[$meta:meta])* $name:ident, $prefix:literal { $($variant:ident => $code:literal),+ $(,)? }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum $name { $($variant),+ }

        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            /// The stable code stored in the database and written to files.
            pub fn code(self) -> &'static str {
                match self { $($name::$variant => $code),+ }
            }

            /// The word people read, in the active language.
            pub fn label(self) -> String {
                tr(&format!(concat!($prefix, ".{}"), self.code()))
            }

            pub fn from_code(code: &str) -> Option<$name> {
                match code { $($code => Some($name::$variant),)+ _ => None }
            }

            /// Accepts the code, the label in either language or one of its other
            /// names in the string tables (`{prefix}_synonyms`: `М`, `Веб-сайт`), in
            /// any letter case.
            pub fn parse(text: &str) -> Option<$name> {
                let key = |s: &str| fold(s.trim()).replace([' ', '-'], "_");
                let wanted = key(text);
                Self::ALL.iter().copied().find(|value| {
                    value.code() == wanted
                        || [Lang::Ru, Lang::En].iter().any(|lang| {
                            let label = tr_in(*lang, &format!(concat!($prefix, ".{}"), value.code()));
                            let synonyms_key = format!(concat!($prefix, "_synonyms.{}"), value.code());
                            let synonyms = tr_in(*lang, &synonyms_key);
                            key(&label) == wanted
                                || (synonyms != synonyms_key
                                    && synonyms.split(',').any(|s| key(s) == wanted))
                        })
                })
            }

            /// The codes, comma-separated, for error messages and help.
            pub fn codes() -> String {
                Self::ALL.iter().map(|v| v.code()).collect::<Vec<_>>().join(", ")
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(&self.label())
            }
        }
    };
}

code_enum!(ClientKind, "kind" { Person => "person", Company => "company" });

code_enum!(
    /// What a manager may see and do: a manager their own clients, a lead or an admin
    /// everyone's.
    Role, "role" { Manager => "manager", Lead => "lead", Admin => "admin" }
);

impl Role {
    pub fn sees_everyone(self) -> bool {
        matches!(self, Role::Lead | Role::Admin)
    }
}

code_enum!(Stage, "stage" {
    New => "new", Contacted => "contacted", Qualified => "qualified",
    Proposal => "proposal", Negotiation => "negotiation", Won => "won", Lost => "lost",
});

code_enum!(Source, "source" {
    LeadMagnet => "lead_magnet", Social => "smm", Event => "event", Referral => "referral",
    ColdCall => "cold_call", PurchasedBase => "purchased_base", Website => "website",
    Other => "other",
});

code_enum!(Channel, "channel" {
    Phone => "phone", Email => "email", Sms => "sms", Messenger => "messenger",
    Social => "social", Post => "post",
});

code_enum!(InteractionKind, "interaction" {
    Call => "call", Email => "email", Meeting => "meeting", Message => "message", Note => "note",
});

code_enum!(Direction, "direction" { Outbound => "outbound", Inbound => "inbound" });

code_enum!(OrderStatus, "order_status" {
    New => "new", Paid => "paid", Shipped => "shipped", Completed => "completed",
    Cancelled => "cancelled",
});

code_enum!(ConsentPurpose, "consent_purpose" { Processing => "processing", Marketing => "marketing" });

code_enum!(ConsentForm, "consent_form" {
    Written => "written", Web => "web", Verbal => "verbal", Public => "public",
});

code_enum!(
    /// Why a client left or a deal was lost; reported, so a closed list.
    ArchiveReason, "archive_reason" {
    Competitor => "competitor", Price => "price", NoNeed => "no_need",
    NoResponse => "no_response", Quality => "quality", Duplicate => "duplicate",
    Closed => "closed", Other => "other",
});

code_enum!(Gender, "gender" { Female => "female", Male => "male" });

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_round_trip() {
        for stage in Stage::ALL {
            assert_eq!(Stage::from_code(stage.code()), Some(*stage));
        }
        assert_eq!(Source::from_code("nope"), None);
    }

    #[test]
    fn labels_in_either_language_are_accepted() {
        assert_eq!(
            ArchiveReason::parse("competitor"),
            Some(ArchiveReason::Competitor)
        );
        assert_eq!(
            ArchiveReason::parse("Ушёл к конкуренту"),
            Some(ArchiveReason::Competitor)
        );
        assert_eq!(ArchiveReason::parse("NO NEED"), Some(ArchiveReason::NoNeed));
        assert_eq!(
            InteractionKind::parse("Звонок"),
            Some(InteractionKind::Call)
        );
        assert_eq!(Role::parse("admin"), Some(Role::Admin));
        assert_eq!(Role::parse("boss"), None);
    }

    #[test]
    fn only_leads_and_admins_see_everyone() {
        assert!(!Role::Manager.sees_everyone());
        assert!(Role::Lead.sees_everyone());
        assert!(Role::Admin.sees_everyone());
    }
}
