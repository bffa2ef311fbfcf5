//! `preflight web` end to end: the binary scans HTTPS sites served on 127.0.0.1 with
//! certificates made at test time.

mod common;

use common::{Run, preflight_command};
use preflight_web::testkit::{self, Authority, Site, Validity};
use serde_json::Value;

struct Lab {
    ca: Authority,
    dir: tempfile::TempDir,
}

impl Lab {
    fn new() -> Lab {
        let ca = Authority::new();
        let dir = tempfile::tempdir().unwrap();
        ca.write_pem(dir.path());
        Lab { ca, dir }
    }

    fn serve(&self, site: Site) -> testkit::Server {
        testkit::serve(site, self.ca.leaf(&["localhost"], Validity::Current), true)
    }

    fn preflight(&self, args: &[&str]) -> (i32, String, String) {
        let output = preflight_command(self.dir.path(), &["web", "--ca"])
            .arg(self.dir.path().join("test-ca.pem"))
            .args(args)
            .output()
            .unwrap();
        let run = Run::from(output);
        (run.code, run.stdout, run.stderr)
    }
}

#[test]
fn json_has_the_grade_at_the_top_for_one_site() {
    let lab = Lab::new();
    let good = lab.serve(Site::hardened());
    let (code, stdout, stderr) = lab.preflight(&["--format", "json", &good.http_url()]);
    assert_eq!(code, 0, "{stderr}");
    let json: Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!(json["grade"], "A+");
    assert_eq!(json["score"], 120);
    assert!(
        json["findings"]
            .as_array()
            .unwrap()
            .iter()
            .any(|f| f["id"] == "web.redirect-chain")
    );
    assert!(!stdout.contains("s3cr3t-session-value"));
}

#[test]
fn json_has_one_object_per_site_and_fails_on_problems() {
    let lab = Lab::new();
    let good = lab.serve(Site::hardened());
    let weak = lab.serve(Site::hardened().without("Strict-Transport-Security"));
    let (code, stdout, stderr) =
        lab.preflight(&["--format", "json", &good.http_url(), &weak.http_url()]);
    assert_eq!(code, 1, "{stderr}");
    let json: Value = serde_json::from_str(&stdout).unwrap();
    let sites = json.as_array().unwrap();
    assert_eq!(sites.len(), 2);
    assert_eq!(sites[0]["url"], good.http_url());
    assert_eq!(sites[0]["grade"], "A+");
    assert_eq!(sites[1]["grade"], "B+");
    assert!(
        sites[1]["findings"]
            .as_array()
            .unwrap()
            .iter()
            .any(|f| f["id"] == "web.hsts-missing")
    );
    assert_eq!(sites[1]["modifiers"][0]["id"], "web.hsts-missing");
}

#[test]
fn human_output_shows_the_grade_and_what_moved_it() {
    let lab = Lab::new();
    let expired = testkit::serve(
        Site::hardened(),
        lab.ca.leaf(&["localhost"], Validity::Expired),
        true,
    );
    let (code, stdout, stderr) = lab.preflight(&["--color", "never", &expired.http_url()]);
    assert_eq!(code, 1, "{stderr}");
    assert!(stdout.contains("web.tls-cert-expired"), "{stdout}");
    assert!(stdout.contains("grade F"), "{stdout}");
}

#[test]
fn an_unreachable_site_is_a_warning_naming_the_cause() {
    let lab = Lab::new();
    let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = closed.local_addr().unwrap().port();
    drop(closed);
    let url = format!("http://127.0.0.1:{port}/");
    let (code, _, stderr) = lab.preflight(&["--format", "json", &url]);
    assert_eq!(code, 0);
    assert!(stderr.contains("refused"), "{stderr}");
}

#[test]
fn urls_come_from_the_web_section_of_the_configuration() {
    let lab = Lab::new();
    let weak = lab.serve(Site::hardened().with("Strict-Transport-Security", "max-age=60"));
    std::fs::write(
        lab.dir.path().join("preflight.toml"),
        format!(
            "[web]\nurls = [\"{}\"]\ntimeout-seconds = 5\n",
            weak.http_url()
        ),
    )
    .unwrap();
    let (code, stdout, stderr) = lab.preflight(&["--format", "json"]);
    assert_eq!(code, 1, "{stderr}");
    let json: Value = serde_json::from_str(&stdout).unwrap();
    assert!(
        json["findings"]
            .as_array()
            .unwrap()
            .iter()
            .any(|f| f["id"] == "web.hsts-short-max-age")
    );
}
