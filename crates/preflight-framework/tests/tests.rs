//! End-to-end tests of the Django and FastAPI checks on real project layouts in temporary
//! directories.

mod django;
mod fastapi;
mod garbage;
mod readme;
mod util;
