//! preflight-framework: Django settings and FastAPI apps, read statically and judged against
//! the deployment guides. Nothing is imported or run.
//!
//! - [`python`] parses Python with tree-sitter and runs a module's top-level statements in a
//!   small interpreter that knows literals and environment reads;
//! - [`envfiles`] gives the values the project's env files set for production;
//! - [`django`] finds the settings modules, picks the production ones and judges them;
//! - [`fastapi`] judges FastAPI and Starlette apps and the commands that start them;
//! - [`codes`] lists every finding code.
//!
//! Problems with one file (unreadable, binary, not UTF-8, syntax errors, import cycles, too
//! large) are warnings naming the file; the run goes on.

pub mod codes;
pub mod django;
pub mod envfiles;
pub mod fastapi;
pub mod python;
pub mod walk;

pub use codes::CODES;
pub use django::DjangoCheck;
pub use fastapi::FastApiCheck;
