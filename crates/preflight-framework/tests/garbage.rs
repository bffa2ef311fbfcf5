//! Broken, hostile and huge input: a warning naming the file, and the run goes on.

use preflight_framework::{DjangoCheck, FastApiCheck};

use crate::util::{found, project, run, write};

/// A settings module with one planted problem, to show the run went on past the bad files.
const GOOD: &str = "DEBUG = True\nINSTALLED_APPS = []\nSECURE_HSTS_SECONDS = 31536000\n";

fn warned(outcome: &preflight_findings::Outcome, path: &str, words: &str) -> bool {
    outcome
        .warnings
        .iter()
        .any(|w| w.path.as_deref() == Some(path) && w.message.contains(words))
}

#[test]
fn bad_settings_files_warn_and_the_good_one_is_still_judged() {
    let dir = project(&[("good/settings.py", GOOD)]);
    write(
        dir.path(),
        "latin/settings.py",
        b"# caf\xe9\nDEBUG = True\nINSTALLED_APPS = []\n",
    );
    write(
        dir.path(),
        "binary/settings.py",
        b"\x00\x01\x02DEBUG = True\x00",
    );
    write(
        dir.path(),
        "broken/settings.py",
        b"INSTALLED_APPS = [\nDEBUG = (\nSECRET_KEY = 'x'\n",
    );
    let mut huge = b"INSTALLED_APPS = []\n".to_vec();
    huge.resize(10 * 1024 * 1024, b'#');
    write(dir.path(), "huge/settings.py", &huge);
    let deep = format!(
        "INSTALLED_APPS = []\nDEBUG = {}True{}\nX = {}\n",
        "(".repeat(100_000),
        ")".repeat(100_000),
        "[".repeat(50_000)
    );
    write(dir.path(), "deep/settings.py", deep.as_bytes());

    let outcome = run(&DjangoCheck::new(), dir.path());
    assert!(
        warned(&outcome, "latin/settings.py", "UTF-8"),
        "{:?}",
        outcome.warnings
    );
    assert!(
        warned(&outcome, "binary/settings.py", "binary"),
        "{:?}",
        outcome.warnings
    );
    assert!(
        warned(&outcome, "broken/settings.py", "syntax error"),
        "{:?}",
        outcome.warnings
    );
    assert!(
        warned(&outcome, "huge/settings.py", "limit"),
        "{:?}",
        outcome.warnings
    );
    assert!(warned(&outcome, "deep/settings.py", "syntax error") || !outcome.warnings.is_empty());
    let debug: Vec<String> = found(&outcome)
        .into_iter()
        .filter(|f| f.contains(".debug"))
        .collect();
    // The good file and the latin-1 one (read with the bad byte replaced) are judged.
    assert!(
        debug.contains(&"django-settings.debug good/settings.py:1".to_string()),
        "{debug:?}"
    );
    assert!(
        debug.contains(&"django-settings.debug latin/settings.py:2".to_string()),
        "{debug:?}"
    );
}

#[test]
fn import_cycles_between_settings_modules_are_cut() {
    let dir = project(&[
        (
            "proj/settings/a.py",
            "from .b import *\nINSTALLED_APPS = []\nDEBUG = True\n",
        ),
        (
            "proj/settings/b.py",
            "from .a import *\nSECURE_HSTS_SECONDS = 31536000\n",
        ),
        ("proj/settings/production.py", "from .a import *\n"),
    ]);
    let outcome = run(&DjangoCheck::new(), dir.path());
    assert!(
        outcome
            .warnings
            .iter()
            .any(|w| w.message.contains("import cycle")),
        "{:?}",
        outcome.warnings
    );
    assert!(
        found(&outcome).contains(&"django-settings.debug proj/settings/a.py:3".to_string()),
        "{:?}",
        found(&outcome)
    );
}

#[test]
fn fastapi_check_survives_garbage_apps() {
    let dir = project(&[(
        "ok/main.py",
        "from fastapi import FastAPI\napp = FastAPI(debug=True, openapi_url=None)\n",
    )]);
    write(
        dir.path(),
        "bad/main.py",
        b"from fastapi import FastAPI\napp = FastAPI(debug=\xff\xfe\n((((\n",
    );
    write(dir.path(), "bin/app.py", b"FastAPI\x00\x00\x00");
    let mut huge = b"from fastapi import FastAPI\n".to_vec();
    huge.resize(10 * 1024 * 1024, b' ');
    write(dir.path(), "huge/app.py", &huge);
    write(
        dir.path(),
        "Dockerfile",
        b"\xff\xfeCMD uvicorn a:b --reload\n",
    );
    let outcome = run(&FastApiCheck::new(), dir.path());
    assert!(found(&outcome).contains(&"fastapi.debug ok/main.py:2".to_string()));
    assert!(found(&outcome).contains(&"fastapi.reload-in-deploy Dockerfile:1".to_string()));
    assert!(
        warned(&outcome, "bad/main.py", "syntax error"),
        "{:?}",
        outcome.warnings
    );
    assert!(
        warned(&outcome, "bin/app.py", "binary"),
        "{:?}",
        outcome.warnings
    );
}

/// Deeply nested assignment targets, subscripts and blocks are bounded, not recursed into.
#[test]
fn deep_targets_and_blocks_do_not_exhaust_the_stack() {
    let depth = 100_000;
    let body = format!(
        "INSTALLED_APPS = []\nD = {{}}\nD{} = 1\n{}a, b{} = 1, 2\nif os.environ['X']:\n    {}c, d{} = 3, 4\n{}\nDEBUG = True\n",
        "[0]".repeat(depth),
        "(".repeat(depth),
        ")".repeat(depth),
        "(".repeat(depth),
        ")".repeat(depth),
        (0..200)
            .map(|i| format!("{}if X:", "    ".repeat(i)))
            .collect::<Vec<_>>()
            .join("\n"),
    );
    let dir = project(&[("deep/settings.py", &body)]);
    let outcome = run(&DjangoCheck::new(), dir.path());
    // The run ends; whatever the parser recovered is judged or warned about.
    assert!(outcome.stats.scanned >= 1);
}
