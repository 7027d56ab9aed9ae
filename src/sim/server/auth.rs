//! Authentication by bearer token (header or `/kdeck-auth/TOKEN` path prefix) and
//! the two roles: `admin` may do anything, `viewer` may only read, and not secrets.

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

/// The users of one embedded cluster, with fresh random tokens.
#[derive(Clone, Debug)]
pub struct Users {
    users: Vec<User>,
}

impl Default for Users {
    fn default() -> Self {
        Self::new()
    }
}

impl Users {
    /// `admin` and `viewer`, each with a new random token.
    pub fn new() -> Self {
        let token = |name: &str| format!("{name}-{}", uuid::Uuid::new_v4().simple());
        Self {
            users: vec![
                User {
                    name: "admin".into(),
                    token: token("admin"),
                    role: Role::Admin,
                },
                User {
                    name: "viewer".into(),
                    token: token("viewer"),
                    role: Role::Viewer,
                },
            ],
        }
    }

    /// The user with this name.
    pub fn by_name(&self, name: &str) -> Option<&User> {
        self.users.iter().find(|u| u.name == name)
    }

    /// The user owning this token.
    pub fn by_token(&self, token: &str) -> Option<&User> {
        self.users.iter().find(|u| u.token == token)
    }

    /// Every user.
    pub fn all(&self) -> &[User] {
        &self.users
    }
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
pub fn authenticate<'a>(
    users: &'a Users,
    path_token: Option<&str>,
    authorization: Option<&str>,
) -> Result<&'a User, ApiError> {
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
