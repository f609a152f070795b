//! Owners and default privileges.
//!
//! Both are recorded relative to the role that reads the schema: an object owned by that role
//! has no [`Owner`], and default privileges for that role's objects name no role. A database
//! built by running migrations as one role and read as that role then has none, whoever the
//! role is: the scratch database a drift check builds and the live database it is compared
//! with agree although different roles built them, and a dump reloaded by the role that made it
//! gives the same dump.

use serde::{Deserialize, Serialize};

/// The owner of an object, when it is not the role that read the schema.
#[derive(Debug, Clone, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Owner {
    /// The object, as its key names it (`TABLE "public"."users"`, `SCHEMA "auth"`,
    /// `FUNCTION "public"."f"(integer)`): see [`crate::Object::key`].
    pub object: String,
    /// The owning role.
    pub role: String,
}

impl Owner {
    /// `object` (a key) owned by `role`.
    pub fn new(object: impl Into<String>, role: impl Into<String>) -> Owner {
        Owner {
            object: object.into(),
            role: role.into(),
        }
    }
}

/// One privilege that objects created later get by default (`ALTER DEFAULT PRIVILEGES`):
/// granted beyond the engine's defaults, or a default taken away (`revoked`).
#[derive(Debug, Clone, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[non_exhaustive]
pub struct DefaultPrivilege {
    /// The role whose new objects get it; `None` for the role that read the schema.
    pub role: Option<String>,
    /// Only objects created in this schema; `None` for every schema.
    pub schema: Option<String>,
    /// `TABLES`, `SEQUENCES`, `FUNCTIONS`, `TYPES` or `SCHEMAS`.
    pub objects: String,
    /// The grantee, or `PUBLIC`.
    pub grantee: String,
    /// `SELECT`, `USAGE`, `EXECUTE`, ...
    pub privilege: String,
    /// `WITH GRANT OPTION`.
    pub grantable: bool,
    /// A default privilege taken away rather than one granted.
    pub revoked: bool,
}

impl DefaultPrivilege {
    /// `privilege` on new `objects` granted to `grantee`.
    pub fn new(
        objects: impl Into<String>,
        grantee: impl Into<String>,
        privilege: impl Into<String>,
    ) -> DefaultPrivilege {
        DefaultPrivilege {
            objects: objects.into(),
            grantee: grantee.into(),
            privilege: privilege.into(),
            ..DefaultPrivilege::default()
        }
    }
}
