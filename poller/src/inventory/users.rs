//! The dashboard's users in the inventory: a name and an argon2 PHC string per user (argon2id
//! with the crate's default parameters and a 128-bit salt from the OS). Passwords are never
//! stored, logged nor returned; checking one goes through argon2's own verification, which
//! compares in constant time.

use argon2::Argon2;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use rusqlite::{OptionalExtension, params};

use super::Inventory;
use crate::error::Error;

/// The shortest password accepted.
pub const MIN_PASSWORD_LEN: usize = 8;

/// A user as listed (never the hash).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct User {
    /// The login name.
    pub name: String,
    /// When the user was added (Unix seconds).
    pub created: i64,
}

/// Checks a user name: 1 to 64 letters, digits, '.', '-' or '_', not starting with '.' or '-'.
pub fn validate_user_name(name: &str) -> Result<(), Error> {
    let ok_char = |c: char| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_');
    if name.is_empty() {
        return Err(Error::Invalid("empty user name".into()));
    }
    if name.len() > 64 || !name.chars().all(ok_char) || name.starts_with(['.', '-']) {
        return Err(Error::Invalid(format!(
            "invalid user name '{name}': use up to 64 letters, digits, '.', '-' or '_', not starting with '.' or '-'"
        )));
    }
    Ok(())
}

/// Checks a new password: at least [`MIN_PASSWORD_LEN`] characters.
pub fn validate_password(password: &str) -> Result<(), Error> {
    if password.is_empty() {
        return Err(Error::Invalid("empty password".into()));
    }
    if password.chars().count() < MIN_PASSWORD_LEN {
        return Err(Error::Invalid(format!("password too short: use at least {MIN_PASSWORD_LEN} characters")));
    }
    Ok(())
}

/// The argon2 PHC string of `password` with a fresh random salt.
fn hash_password(password: &str) -> Result<String, Error> {
    let mut salt = [0u8; 16];
    getrandom::fill(&mut salt).map_err(|e| Error::Invalid(format!("no random bytes for a salt: {e}")))?;
    let salt = SaltString::encode_b64(&salt).map_err(|e| Error::Invalid(format!("salt: {e}")))?;
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|hash| hash.to_string())
        .map_err(|e| Error::Invalid(format!("cannot hash the password: {e}")))
}

impl Inventory {
    /// Adds a user with `password` (validated); a name already taken is refused.
    pub fn add_user(&self, name: &str, password: &str, now: i64) -> Result<(), Error> {
        validate_user_name(name)?;
        validate_password(password)?;
        if self.user_hash(name)?.is_some() {
            return Err(Error::Invalid(format!("a user named '{name}' already exists")));
        }
        let hash = hash_password(password)?;
        self.conn
            .execute("INSERT INTO users (name, hash, created) VALUES (?1, ?2, ?3)", params![name, hash, now])
            .map_err(self.err())?;
        Ok(())
    }

    /// Removes a user.
    pub fn remove_user(&self, name: &str) -> Result<(), Error> {
        let removed = self.conn.execute("DELETE FROM users WHERE name = ?1", [name]).map_err(self.err())?;
        if removed == 0 {
            return Err(Error::Invalid(format!("no user named '{name}'")));
        }
        Ok(())
    }

    /// Every user, by name.
    pub fn users(&self) -> Result<Vec<User>, Error> {
        let mut statement = self.conn.prepare("SELECT name, created FROM users ORDER BY name").map_err(self.err())?;
        let rows =
            statement.query_map([], |row| Ok(User { name: row.get(0)?, created: row.get(1)? })).map_err(self.err())?;
        rows.collect::<Result<Vec<_>, _>>().map_err(self.err())
    }

    /// How many users exist.
    pub fn user_count(&self) -> Result<u64, Error> {
        let count: i64 = self.conn.query_row("SELECT COUNT(*) FROM users", [], |row| row.get(0)).map_err(self.err())?;
        Ok(u64::try_from(count).unwrap_or(0))
    }

    /// Whether `password` is `name`'s. An unknown user is `false`, after the same work as a
    /// wrong password (a hash of a dummy), so timing does not tell which names exist.
    pub fn verify_user(&self, name: &str, password: &str) -> Result<bool, Error> {
        let stored = self.user_hash(name)?;
        let (phc, known) = match &stored {
            Some(hash) => (hash.as_str(), true),
            None => (DUMMY_HASH, false),
        };
        let parsed = PasswordHash::new(phc).map_err(|e| Error::Invalid(format!("stored hash of '{name}': {e}")))?;
        let matches = Argon2::default().verify_password(password.as_bytes(), &parsed).is_ok();
        Ok(known && matches)
    }

    fn user_hash(&self, name: &str) -> Result<Option<String>, Error> {
        self.conn
            .query_row("SELECT hash FROM users WHERE name = ?1", [name], |row| row.get(0))
            .optional()
            .map_err(self.err())
    }
}

/// An argon2id hash (default parameters) of a password no one uses, checked for unknown users.
const DUMMY_HASH: &str =
    "$argon2id$v=19$m=19456,t=2,p=1$c29tZXNhbHRzb21lc2FsdA$EO3eI6KZzL1V3Q0zUxS0j8V3nW1q2bS8mZ0E1i3Qh7Q";

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn users_add_list_verify_remove() {
        let dir = tempfile::tempdir().unwrap();
        let inv = Inventory::open(dir.path()).unwrap();
        assert_eq!(inv.user_count().unwrap(), 0);
        inv.add_user("alice", "correct horse", 1000).unwrap();
        assert!(inv.add_user("alice", "another one", 1001).unwrap_err().to_string().contains("already exists"));
        assert!(inv.add_user("bob", "short", 1001).unwrap_err().to_string().contains("too short"));
        assert!(inv.add_user("bob", "", 1001).unwrap_err().to_string().contains("empty password"));
        assert!(inv.add_user("b o b", "long enough", 1001).unwrap_err().to_string().contains("invalid user name"));
        assert!(inv.add_user("", "long enough", 1001).unwrap_err().to_string().contains("empty user name"));
        assert_eq!(inv.users().unwrap(), [User { name: "alice".into(), created: 1000 }]);
        assert_eq!(inv.user_count().unwrap(), 1);

        let hash = inv.user_hash("alice").unwrap().unwrap();
        assert!(hash.starts_with("$argon2id$v=19$"), "{hash}");
        assert!(!hash.contains("correct horse"));
        assert!(inv.verify_user("alice", "correct horse").unwrap());
        assert!(!inv.verify_user("alice", "correct horsf").unwrap());
        assert!(!inv.verify_user("nobody", "correct horse").unwrap());

        inv.remove_user("alice").unwrap();
        assert!(inv.remove_user("alice").unwrap_err().to_string().contains("no user named"));
        assert_eq!(inv.user_count().unwrap(), 0);
    }

    #[test]
    fn the_dummy_hash_parses() {
        assert!(PasswordHash::new(DUMMY_HASH).is_ok());
    }
}
