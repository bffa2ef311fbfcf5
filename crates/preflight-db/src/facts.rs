//! What the connection can see about the server and its own role, read with a handful of
//! catalog queries under a statement timeout.
//!
//! A view or setting the role may not read is recorded as `None` ("not visible") rather than
//! guessed: the checks then report it as not checkable with this role, never as a pass.
//! Settings are read through `pg_settings`, which silently omits the rows a role may not see;
//! `pg_hba_file_rules` raises a permission error instead.

use std::collections::BTreeMap;
use std::time::Duration;

use tokio_postgres::error::SqlState;
use tokio_postgres::types::ToSql;
use tokio_postgres::{Client, Row};

use crate::DbError;
use crate::error::Scrubber;

/// The settings the checks look at.
pub(crate) const SETTINGS: &[&str] = &[
    "ssl",
    "ssl_min_protocol_version",
    "password_encryption",
    "log_connections",
    "log_disconnections",
    "listen_addresses",
];

/// The predefined roles whose membership gives an application too much power.
pub(crate) const POWERFUL_ROLES: &[&str] = &[
    "pg_read_all_data",
    "pg_write_all_data",
    "pg_execute_server_program",
    "pg_read_server_files",
    "pg_write_server_files",
];

/// This connection's encryption as the server sees it (`pg_stat_ssl` for its own backend).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct SslStatus {
    pub(crate) encrypted: bool,
    pub(crate) version: Option<String>,
    pub(crate) cipher: Option<String>,
}

/// The connected role's attributes (`pg_roles`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct RoleFacts {
    pub(crate) name: String,
    pub(crate) superuser: bool,
    pub(crate) createrole: bool,
    pub(crate) createdb: bool,
    pub(crate) replication: bool,
    pub(crate) bypassrls: bool,
}

/// Membership in one powerful predefined role.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Membership {
    pub(crate) role: String,
    /// Granted to the role itself, rather than through another role.
    pub(crate) direct: bool,
}

/// An object the role owns.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct OwnedObject {
    pub(crate) kind: String,
    pub(crate) schema: String,
    pub(crate) name: String,
}

/// One line of pg_hba.conf as the server parsed it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct HbaRule {
    pub(crate) line: i32,
    pub(crate) kind: String,
    pub(crate) databases: String,
    pub(crate) users: String,
    pub(crate) address: Option<String>,
    pub(crate) netmask: Option<String>,
    pub(crate) method: Option<String>,
}

/// Everything the checks need from the server.
#[derive(Debug, Clone, Default)]
pub(crate) struct Facts {
    pub(crate) ssl: SslStatus,
    /// The visible settings among [`SETTINGS`]; a missing name was not visible.
    pub(crate) settings: BTreeMap<String, String>,
    pub(crate) role: RoleFacts,
    pub(crate) memberships: Vec<Membership>,
    pub(crate) app_schema: String,
    pub(crate) owned_outside: Vec<OwnedObject>,
    /// Whether PUBLIC may create in schema `public`; `None` when there is no such schema.
    pub(crate) public_create: Option<bool>,
    /// The pg_hba.conf rules; `None` when the role may not read them.
    pub(crate) hba: Option<Vec<HbaRule>>,
    /// `server_version_num`, such as 150004.
    pub(crate) version_num: i32,
    /// `server_version`, such as `15.4 (Debian 15.4-1)`.
    pub(crate) version: String,
}

/// Runs the catalog queries.
pub(crate) struct Reader<'a> {
    pub(crate) client: &'a Client,
    pub(crate) timeout: Duration,
    pub(crate) scrubber: &'a Scrubber,
    pub(crate) target: String,
}

/// The most owned objects listed.
const OWNED_LIMIT: i64 = 1000;

impl Reader<'_> {
    /// Reads every fact; `app_schema` defaults to the connection's current schema.
    pub(crate) async fn read(&self, app_schema: Option<&str>) -> Result<Facts, DbError> {
        let millis = self.timeout.as_millis();
        self.client
            .batch_execute(&format!("SET statement_timeout = {millis}"))
            .await
            .map_err(|e| self.error(QueryFailure::Driver(e)))?;
        let mut facts = Facts::default();
        let row = self
            .one(
                "SELECT ssl, version, cipher FROM pg_stat_ssl WHERE pid = pg_backend_pid()",
                &[],
            )
            .await?;
        facts.ssl = SslStatus {
            encrypted: row.get(0),
            version: row.get(1),
            cipher: row.get(2),
        };
        for row in self
            .all(
                "SELECT name, setting FROM pg_settings WHERE name = ANY($1)",
                &[&SETTINGS],
            )
            .await?
        {
            facts.settings.insert(row.get(0), row.get(1));
        }
        let row = self
            .one(
                "SELECT rolname::text, rolsuper, rolcreaterole, rolcreatedb, rolreplication, rolbypassrls \
                 FROM pg_roles WHERE rolname = current_user",
                &[],
            )
            .await?;
        facts.role = RoleFacts {
            name: row.get(0),
            superuser: row.get(1),
            createrole: row.get(2),
            createdb: row.get(3),
            replication: row.get(4),
            bypassrls: row.get(5),
        };
        facts.memberships = self
            .all(
                "SELECT r.rolname::text, EXISTS (SELECT 1 FROM pg_auth_members m \
                   JOIN pg_roles me ON me.oid = m.member \
                   WHERE m.roleid = r.oid AND me.rolname = current_user) \
                 FROM pg_roles r \
                 WHERE r.rolname = ANY($1) AND pg_has_role(current_user, r.oid, 'MEMBER') \
                 ORDER BY 1",
                &[&POWERFUL_ROLES],
            )
            .await?
            .iter()
            .map(|row| Membership {
                role: row.get(0),
                direct: row.get(1),
            })
            .collect();
        facts.app_schema = match app_schema {
            Some(schema) => schema.to_string(),
            None => self
                .one("SELECT coalesce(current_schema()::text, 'public')", &[])
                .await?
                .get(0),
        };
        facts.owned_outside = self
            .all(OWNED_OUTSIDE, &[&facts.app_schema, &OWNED_LIMIT])
            .await?
            .iter()
            .map(|row| OwnedObject {
                kind: row.get(0),
                schema: row.get(1),
                name: row.get(2),
            })
            .collect();
        facts.public_create = self
            .all(
                "SELECT has_schema_privilege('public', n.oid, 'CREATE') \
                 FROM pg_namespace n WHERE n.nspname = 'public'",
                &[],
            )
            .await?
            .first()
            .map(|row| row.get(0));
        facts.hba = self.hba().await?;
        let row = self
            .one(
                "SELECT current_setting('server_version_num')::int, current_setting('server_version')",
                &[],
            )
            .await?;
        facts.version_num = row.get(0);
        facts.version = row.get(1);
        Ok(facts)
    }

    async fn hba(&self) -> Result<Option<Vec<HbaRule>>, DbError> {
        let sql = "SELECT line_number, type, array_to_string(database, ','), \
                   array_to_string(user_name, ','), address, netmask, auth_method \
                   FROM pg_hba_file_rules WHERE error IS NULL ORDER BY line_number";
        let rows = match self.query(sql, &[]).await {
            Ok(rows) => rows,
            Err(QueryFailure::Driver(err))
                if err
                    .as_db_error()
                    .is_some_and(|db| *db.code() == SqlState::INSUFFICIENT_PRIVILEGE) =>
            {
                return Ok(None);
            }
            Err(failure) => return Err(self.error(failure)),
        };
        Ok(Some(
            rows.iter()
                .map(|row| HbaRule {
                    line: row.get(0),
                    kind: row.get(1),
                    databases: row.get(2),
                    users: row.get(3),
                    address: row.get(4),
                    netmask: row.get(5),
                    method: row.get(6),
                })
                .collect(),
        ))
    }

    async fn query(
        &self,
        sql: &str,
        params: &[&(dyn ToSql + Sync)],
    ) -> Result<Vec<Row>, QueryFailure> {
        // The server's statement_timeout bounds each query; this bounds a server that stops
        // answering altogether.
        let limit = self.timeout + Duration::from_secs(1);
        match tokio::time::timeout(limit, self.client.query(sql, params)).await {
            Ok(result) => result.map_err(QueryFailure::Driver),
            Err(_) => Err(QueryFailure::TimedOut),
        }
    }

    async fn all(&self, sql: &str, params: &[&(dyn ToSql + Sync)]) -> Result<Vec<Row>, DbError> {
        self.query(sql, params).await.map_err(|e| self.error(e))
    }

    async fn one(&self, sql: &str, params: &[&(dyn ToSql + Sync)]) -> Result<Row, DbError> {
        self.all(sql, params)
            .await?
            .into_iter()
            .next()
            .ok_or_else(|| DbError::Other(format!("no row from `{sql}`")))
    }

    fn error(&self, failure: QueryFailure) -> DbError {
        let err = match failure {
            QueryFailure::TimedOut => return self.timeout_error(),
            QueryFailure::Driver(err) => err,
        };
        if err
            .as_db_error()
            .is_some_and(|db| *db.code() == SqlState::QUERY_CANCELED)
        {
            return self.timeout_error();
        }
        let text = match err.as_db_error() {
            Some(db) => db.to_string(),
            None => err.to_string(),
        };
        DbError::Other(self.scrubber.scrub(&text))
    }

    fn timeout_error(&self) -> DbError {
        DbError::Timeout {
            target: self.target.clone(),
            during: "reading the server's catalogs",
            seconds: self.timeout.as_secs(),
        }
    }
}

/// Why a catalog query failed.
enum QueryFailure {
    Driver(tokio_postgres::Error),
    TimedOut,
}

/// Schemas, relations and functions the role owns outside the application's schema and the
/// system schemas.
const OWNED_OUTSIDE: &str = "\
WITH me AS (SELECT oid FROM pg_roles WHERE rolname = current_user)
SELECT kind, schema, name FROM (
  SELECT 'schema' AS kind, n.nspname::text AS schema, n.nspname::text AS name
    FROM pg_namespace n, me WHERE n.nspowner = me.oid
  UNION ALL
  SELECT CASE c.relkind WHEN 'v' THEN 'view' WHEN 'm' THEN 'materialized view'
                        WHEN 'S' THEN 'sequence' WHEN 'f' THEN 'foreign table' ELSE 'table' END,
         n.nspname::text, c.relname::text
    FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace, me
    WHERE c.relowner = me.oid AND c.relkind IN ('r', 'p', 'v', 'm', 'S', 'f')
  UNION ALL
  SELECT 'function', n.nspname::text, p.proname::text
    FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace, me
    WHERE p.proowner = me.oid
) owned
WHERE schema <> $1
  AND schema NOT IN ('pg_catalog', 'information_schema')
  AND schema NOT LIKE 'pg\\_toast%' AND schema NOT LIKE 'pg\\_temp\\_%'
ORDER BY schema, name, kind
LIMIT $2";
