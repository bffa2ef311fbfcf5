//! The role: attributes an application never needs, powerful predefined roles, objects it owns
//! outside its schema, and who may create in schema `public`.

use preflight_findings::Severity;

use crate::codes::{
    Annotate, Emitter, OWNS_OUTSIDE_SCHEMA, PUBLIC_SCHEMA_CREATE, ROLE_BYPASSRLS, ROLE_CREATEDB,
    ROLE_CREATEROLE, ROLE_POWERFUL_MEMBER, ROLE_REPLICATION, ROLE_SUPERUSER,
};
use crate::facts::Facts;

/// How many owned objects a finding names.
const LISTED: usize = 10;

/// Checks the connected role.
pub(crate) fn check(out: &mut Emitter, facts: &Facts) {
    let role = &facts.role;
    let name = &role.name;
    let help = "Connect as a dedicated role with only the privileges the application needs; \
                keep administrative roles for migrations and operators.";
    let attributes = [
        (
            role.superuser,
            &ROLE_SUPERUSER,
            "SUPERUSER",
            "is a superuser: it can read and change everything and run programs on the server",
        ),
        (
            role.createrole,
            &ROLE_CREATEROLE,
            "CREATEROLE",
            "may create and alter roles",
        ),
        (
            role.createdb,
            &ROLE_CREATEDB,
            "CREATEDB",
            "may create databases",
        ),
        (
            role.replication,
            &ROLE_REPLICATION,
            "REPLICATION",
            "may open replication connections, which stream every database's data",
        ),
        (
            role.bypassrls,
            &ROLE_BYPASSRLS,
            "BYPASSRLS",
            "bypasses every row-level security policy",
        ),
    ];
    for (has, code, attribute, what) in attributes {
        if has {
            out.emit(
                code,
                format!("The application's role `{name}` {what} ({attribute})"),
                attribute,
            )
            .help(help)
            .detail("role", name.clone());
        }
    }
    // A superuser is a member of every role; its own finding says it all.
    if !role.superuser {
        for membership in &facts.memberships {
            let granted = if membership.direct {
                "directly"
            } else {
                "through another role"
            };
            let severity = match membership.role.as_str() {
                "pg_execute_server_program" | "pg_write_server_files" => Severity::Critical,
                _ => ROLE_POWERFUL_MEMBER.severity,
            };
            out.emit_at(
                &ROLE_POWERFUL_MEMBER,
                severity,
                format!(
                    "The application's role `{name}` is a member of `{}` ({granted})",
                    membership.role
                ),
                &membership.role,
            )
            .help(&format!(
                "REVOKE {} FROM the role (or the role it inherits from).",
                membership.role
            ))
            .detail("predefined_role", membership.role.clone())
            .detail(
                "membership",
                if membership.direct {
                    "direct"
                } else {
                    "inherited"
                },
            );
        }
    }
    if !facts.owned_outside.is_empty() {
        let count = facts.owned_outside.len();
        let listed: Vec<String> = facts
            .owned_outside
            .iter()
            .take(LISTED)
            .map(|o| {
                if o.kind == "schema" {
                    format!("schema {}", o.name)
                } else {
                    format!("{} {}.{}", o.kind, o.schema, o.name)
                }
            })
            .collect();
        out.emit(
            &OWNS_OUTSIDE_SCHEMA,
            format!(
                "The application's role `{name}` owns {count} object(s) outside schema `{}`: {}{}",
                facts.app_schema,
                listed.join(", "),
                if count > LISTED { ", ..." } else { "" }
            ),
            "ownership",
        )
        .help("Give objects outside the application's schema to another role (ALTER ... OWNER TO), or set `app-schema` in [db].")
        .detail("app_schema", facts.app_schema.clone())
        .detail("count", count.to_string());
    }
    if facts.public_create == Some(true) {
        out.emit(
            &PUBLIC_SCHEMA_CREATE,
            "Every role (PUBLIC) may create objects in schema `public`, which lets any user plant functions and tables others may run",
            "public-schema",
        )
        .help("REVOKE CREATE ON SCHEMA public FROM PUBLIC;");
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::facts::{Membership, OwnedObject, RoleFacts};

    #[test]
    fn superuser_hides_memberships_and_others_show_them() {
        let mut facts = Facts {
            role: RoleFacts {
                name: "app".into(),
                superuser: true,
                ..RoleFacts::default()
            },
            memberships: vec![Membership {
                role: "pg_read_all_data".into(),
                direct: false,
            }],
            ..Facts::default()
        };
        let mut out = Emitter::new("t".into());
        check(&mut out, &facts);
        let ids: Vec<&str> = out.findings.iter().map(|f| f.id.as_str()).collect();
        assert_eq!(ids, ["db.role-superuser"]);
        facts.role.superuser = false;
        facts.owned_outside = (0..12)
            .map(|i| OwnedObject {
                kind: "table".into(),
                schema: "public".into(),
                name: format!("t{i}"),
            })
            .collect();
        let mut out = Emitter::new("t".into());
        check(&mut out, &facts);
        assert_eq!(out.findings[0].details["membership"], "inherited");
        assert!(
            out.findings[1].message.contains("12 object(s)"),
            "{}",
            out.findings[1].message
        );
        assert!(out.findings[1].message.ends_with(", ..."));
    }
}
