//! Authentication by bearer token (header or `/kdeck-auth/TOKEN` path prefix) and
//! the two roles: `admin` may do anything, `viewer` may only read, and not secrets.
//!
//! Besides each user's long-lived token, tokens can be issued for a user with a lifetime
//! (wall-clock time, as a real token's `exp`) and revoked while a session runs, so that
//! clients' handling of a rejected credential (401) can be tried and tested.

use super::super::api_error::ApiError;
use super::super::resources::ResourceType;

/// The path prefix that carries a token: `/kdeck-auth/<token>/api/v1/...`.
pub const AUTH_PREFIX: &str = "/kdeck-auth/";

/// What a user may do.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Role {
    /// Everything.
    Admin,
    /// get, list and watch of everything except secrets.
    Viewer,
}

/// A known user.
#[derive(Clone, Debug)]
pub struct User {
    /// The user name written in the request log and in Forbidden messages.
    pub name: String,
    /// The bearer token.
    pub token: String,
    /// What the user may do.
    pub role: Role,
}

/// A token issued for a user after start: it may expire or be revoked.
#[derive(Clone, Debug)]
struct IssuedToken {
    token: String,
    user: String,
    expires: Option<std::time::Instant>,
}

/// The users of one embedded cluster, with fresh random tokens.
#[derive(Clone, Debug)]
pub struct Users {
    known: Vec<User>,
    /// Tokens issued since, shared by every clone (the server's and the sim's).
    issued: std::sync::Arc<std::sync::Mutex<Vec<IssuedToken>>>,
    /// Tokens revoked since, the users' own included.
    revoked: std::sync::Arc<std::sync::Mutex<Vec<String>>>,
}

impl Default for Users {
    fn default() -> Self {
        Self::new()
    }
}

impl Users {
    /// `admin` and `viewer`, each with a new random token.
    pub fn new() -> Self {
        Self {
            issued: std::sync::Arc::default(),
            revoked: std::sync::Arc::default(),
            known: vec![
                User {
                    name: "admin".into(),
                    token: new_token("admin"),
                    role: Role::Admin,
                },
                User {
                    name: "viewer".into(),
                    token: new_token("viewer"),
                    role: Role::Viewer,
                },
            ],
        }
    }

    /// The user with this name.
    pub fn by_name(&self, name: &str) -> Option<&User> {
        self.known.iter().find(|u| u.name == name)
    }

    /// The user this token authenticates: a user's own token or one issued for the
    /// user, neither revoked nor expired.
    pub fn by_token(&self, token: &str) -> Option<User> {
        if lock(&self.revoked).iter().any(|t| t == token) {
            return None;
        }
        if let Some(user) = self.known.iter().find(|u| u.token == token) {
            return Some(user.clone());
        }
        let issued = lock(&self.issued);
        let found = issued.iter().find(|t| t.token == token)?;
        if found
            .expires
            .is_some_and(|at| std::time::Instant::now() >= at)
        {
            return None;
        }
        let user = self.by_name(&found.user)?;
        Some(User {
            token: token.to_owned(),
            ..user.clone()
        })
    }

    /// Issues a new token for `user` (`None` if there is no such user), valid for
    /// `lifetime` of wall-clock time (`None`: until revoked).
    pub fn issue(&self, user: &str, lifetime: Option<std::time::Duration>) -> Option<String> {
        self.by_name(user)?;
        let token = new_token(user);
        lock(&self.issued).push(IssuedToken {
            token: token.clone(),
            user: user.to_owned(),
            expires: lifetime.map(|d| std::time::Instant::now() + d),
        });
        Some(token)
    }

    /// Revokes `token` (a user's own or an issued one): requests carrying it get 401.
    pub fn revoke(&self, token: &str) {
        lock(&self.revoked).push(token.to_owned());
    }

    /// Every user.
    pub fn all(&self) -> &[User] {
        &self.known
    }
}

fn new_token(user: &str) -> String {
    format!("{user}-{}", uuid::Uuid::new_v4().simple())
}

fn lock<T>(m: &std::sync::Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
}

/// Splits a `/kdeck-auth/TOKEN/rest` path into the token and `/rest`.
pub fn split_auth_prefix(path: &str) -> (Option<&str>, &str) {
    match path.strip_prefix(AUTH_PREFIX) {
        Some(rest) => match rest.find('/') {
            Some(i) => (Some(&rest[..i]), &rest[i..]),
            None => (Some(rest), "/"),
        },
        None => (None, path),
    }
}

/// Finds the user of a request from its path token or `Authorization: Bearer` header.
/// A bearer header wins over the path; no token at all or an unknown one is 401.
pub fn authenticate(
    users: &Users,
    path_token: Option<&str>,
    authorization: Option<&str>,
) -> Result<User, ApiError> {
    let bearer = authorization.and_then(|h| {
        h.strip_prefix("Bearer ")
            .or_else(|| h.strip_prefix("bearer "))
    });
    bearer
        .or(path_token)
        .and_then(|t| users.by_token(t.trim()))
        .ok_or_else(ApiError::unauthorized)
}

/// Checks that `user` may do `verb` on a resource (with optional subresource, name and namespace).
pub fn authorize(
    user: &User,
    verb: &str,
    rt: &ResourceType,
    subresource: Option<&str>,
    name: Option<&str>,
    namespace: Option<&str>,
) -> Result<(), ApiError> {
    let allowed = match user.role {
        Role::Admin => true,
        Role::Viewer => {
            matches!(verb, "get" | "list" | "watch") && rt.plural != "secrets"
                || rt.plural == "selfsubjectaccessreviews"
                || rt.plural == "selfsubjectrulesreviews"
                || rt.plural == "selfsubjectreviews"
        }
    };
    if allowed {
        Ok(())
    } else {
        Err(ApiError::forbidden_on(
            &user.name,
            verb,
            rt,
            subresource,
            name,
            namespace,
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::resources::by_plural;

    #[test]
    fn tokens_from_path_or_header() {
        let users = Users::new();
        let admin = users.by_name("admin").unwrap().token.clone();
        let path = format!("/kdeck-auth/{admin}/api/v1/pods");
        let (token, rest) = split_auth_prefix(&path);
        assert_eq!(rest, "/api/v1/pods");
        assert_eq!(authenticate(&users, token, None).unwrap().name, "admin");
        let header = format!("Bearer {}", users.by_name("viewer").unwrap().token);
        assert_eq!(
            authenticate(&users, token, Some(&header)).unwrap().name,
            "viewer"
        );
        assert_eq!(authenticate(&users, None, None).unwrap_err().code, 401);
        assert_eq!(
            authenticate(&users, Some("nope"), None).unwrap_err().code,
            401
        );
    }

    #[test]
    fn issued_tokens_expire_and_any_token_can_be_revoked() {
        let users = Users::new();
        let admin = users.by_name("admin").unwrap().token.clone();
        let issued = users.issue("admin", None).unwrap();
        assert_eq!(users.by_token(&issued).unwrap().name, "admin");
        let short = users
            .issue("viewer", Some(std::time::Duration::ZERO))
            .unwrap();
        assert!(users.by_token(&short).is_none(), "expired at once");
        assert!(users.issue("nobody", None).is_none());
        users.revoke(&issued);
        users.revoke(&admin);
        assert!(users.by_token(&issued).is_none());
        assert!(authenticate(&users, Some(&admin), None).is_err());
        assert_eq!(
            users.clone().by_token(&admin).map(|u| u.name),
            None,
            "clones share"
        );
    }

    #[test]
    fn viewer_reads_but_not_secrets() {
        let users = Users::new();
        let viewer = users.by_name("viewer").unwrap();
        let pods = by_plural("", "pods").unwrap();
        let secrets = by_plural("", "secrets").unwrap();
        let deploy = by_plural("apps", "deployments").unwrap();
        assert!(authorize(viewer, "list", pods, None, None, None).is_ok());
        let e = authorize(viewer, "get", secrets, None, Some("s"), Some("default")).unwrap_err();
        assert_eq!(
            e.message,
            "secrets \"s\" is forbidden: User \"viewer\" cannot get resource \"secrets\" in API group \"\" in the namespace \"default\""
        );
        let e = authorize(
            viewer,
            "patch",
            deploy,
            Some("scale"),
            Some("web"),
            Some("default"),
        )
        .unwrap_err();
        assert_eq!(e.code, 403);
        assert_eq!(
            e.message,
            "deployments.apps \"web\" is forbidden: User \"viewer\" cannot patch resource \"deployments/scale\" in API group \"apps\" in the namespace \"default\""
        );
        let admin = users.by_name("admin").unwrap();
        assert!(authorize(admin, "delete", secrets, None, None, None).is_ok());
    }
}
