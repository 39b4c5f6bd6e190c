//! One identifier type per entity. Identifiers are UUIDv7: globally unique, time-ordered, never a
//! per-database counter, so that data from several servers or shards can be merged.

use serde::{Deserialize, Serialize};
use uuid::Uuid;

macro_rules! id_type {
    ($(#[$m:meta])* $name:ident) => {
        $(#[$m])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        #[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
        #[serde(transparent)]
        pub struct $name(Uuid);

        impl $name {
            /// A new time-ordered identifier (UUIDv7).
            pub fn generate() -> Self {
                Self(Uuid::now_v7())
            }
            /// Wraps an existing UUID (e.g. read back from storage).
            pub const fn from_uuid(u: Uuid) -> Self {
                Self(u)
            }
            /// The underlying UUID.
            pub const fn as_uuid(&self) -> Uuid {
                self.0
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                self.0.fmt(f)
            }
        }

        impl std::str::FromStr for $name {
            type Err = uuid::Error;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                Uuid::parse_str(s).map(Self)
            }
        }
    };
}

id_type!(
    /// A person (an individual registered in an operation).
    PersonId
);
id_type!(
    /// A household / registration group (principal applicant and dependants).
    HouseholdId
);
id_type!(
    /// An operation: an office in a country of asylum.
    OperationId
);
id_type!(
    /// One entry in the append-only history.
    EventId
);
id_type!(
    /// A claim for international protection (one status-determination procedure).
    ClaimId
);
id_type!(
    /// A request to remove, deport, extradite or transfer people.
    RemovalId
);
id_type!(
    /// A recorded legal assessment of a claim.
    AssessmentId
);
id_type!(
    /// A proposed duplicate: a pair of persons that may be one person, for an officer to review.
    DuplicateId
);
id_type!(
    /// A resettlement submission: refugees proposed to one resettlement State.
    SubmissionId
);
id_type!(
    /// A resettlement State's yearly quota of places for one operation.
    QuotaId
);
