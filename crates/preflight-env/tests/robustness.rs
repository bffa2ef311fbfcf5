//! Random and mutated input for both parsers: no panic, and every problem or error carries a
//! line inside the input. (The fuzz targets in `fuzz/` explore further with coverage guidance;
//! this runs in every `cargo test`.)

use preflight_env::{dotenv, encrypted, parse_policy};

/// A small deterministic generator so failures reproduce.
struct XorShift(u64);

impl XorShift {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}

const DOTENV_SEED: &[u8] = b"\xEF\xBB\xBF# c\r\nexport A=1\nB = 'x y'\nC=\"multi\nline\" # c\nD=${A:-d}${NOPE}\nE=${\n1X=\xff\nF='open\nG=\"\\\"\"\n";
const POLICY_SEED: &str = "[env]\nprofile = \"staging\"\n[env.vars.DATABASE_URL]\nkind = \"postgres_url\"\nrequired = [\"production\"]\n[env.vars.R]\nkind = \"string\"\npattern = \"^[a-z]+$\"\n[env.vars.N]\nkind = \"int\"\nmin = 1\nmax = 9\n";
const ALPHABET: &[u8] = b"=\"'\\$#{}:-?+ \t\r\nAZaz09_[].,export";

fn mutate(rng: &mut XorShift, seed: &[u8]) -> Vec<u8> {
    let mut data = seed.to_vec();
    for _ in 0..1 + rng.below(8) {
        let at = rng.below(data.len() + 1);
        match rng.below(4) {
            0 if !data.is_empty() => {
                data.remove(at.min(data.len() - 1));
            }
            1 => data.insert(at, ALPHABET[rng.below(ALPHABET.len())]),
            2 => data.insert(at, (rng.next() & 0xff) as u8),
            _ => {
                let cut = rng.below(data.len() + 1);
                data.truncate(cut);
            }
        }
    }
    data
}

fn check_dotenv(data: &[u8]) {
    let document = dotenv::parse(data);
    // Recognising encryption and telling binary or foreign files never panics either.
    let _ = encrypted::recognise(data);
    let _ = dotenv::binary_kind(data);
    let _ = dotenv::foreign_kind(data, &document);
    let lines = data.split(|&b| b == b'\n').count() as u32;
    for problem in &document.problems {
        assert!(
            problem.line >= 1 && problem.line <= lines,
            "{problem:?} in {data:?}"
        );
        assert!(problem.column >= 1);
    }
}

fn check_policy(text: &str) {
    if let Err(error) = parse_policy(text) {
        let line = error.line.expect("every policy error has a line");
        let newlines = text.bytes().filter(|&b| b == b'\n').count();
        assert!(
            line >= 1 && line as usize <= newlines + 1,
            "{error} in {text:?}"
        );
    }
}

#[test]
fn dotenv_parser_survives_random_and_mutated_bytes() {
    let mut rng = XorShift(0x9e37_79b9_7f4a_7c15);
    for _ in 0..3000 {
        let len = rng.below(200);
        let random: Vec<u8> = (0..len)
            .map(|_| ALPHABET[rng.below(ALPHABET.len())])
            .collect();
        check_dotenv(&random);
        check_dotenv(&mutate(&mut rng, DOTENV_SEED));
    }
}

/// The start of each encrypted format: truncated and mutated, none may panic.
const ENCRYPTED_SEEDS: &[&[u8]] = &[
    b"\0GITCRYPT\0\x01",
    b"$ANSIBLE_VAULT;1.1;AES256\n6162\n",
    b"age-encryption.org/v1\n-> X25519 a\n",
    b"-----BEGIN AGE ENCRYPTED FILE-----\nYWdl\n",
    b"-----BEGIN PGP MESSAGE-----\n\njA0E\n",
    b"\x8c\x0d\x04\x09\x03\x02",
    b"\xc1\xc0\x03\x01",
    b"A=ENC[AES256_GCM,data:QQ==,iv:QQ==,tag:QQ==,type:str]\nsops_mac=ENC[x]\nsops_version=3\n",
    b"{\n\t\"sops\": {\n\t\t\"mac\": \"ENC[\",\n\t\t\"version\": \"3\"\n\t}\n}",
    b"DOTENV_PUBLIC_KEY=\"02ab\"\nA=encrypted:QUJD\n",
    b"kind: SealedSecret\nspec:\n  encryptedData:\n    A: AgB\n",
];

#[test]
fn encryption_is_recognised_safely_in_mutated_files() {
    let mut rng = XorShift(0xd1b5_4a32_d192_ed03);
    for _ in 0..300 {
        for seed in ENCRYPTED_SEEDS {
            check_dotenv(&mutate(&mut rng, seed));
            let cut = rng.below(seed.len() + 1);
            check_dotenv(&seed[..cut]);
        }
    }
}

#[test]
fn policy_parser_survives_mutated_text() {
    let mut rng = XorShift(0x2545_f491_4f6c_dd1d);
    for _ in 0..3000 {
        let bytes = mutate(&mut rng, POLICY_SEED.as_bytes());
        check_policy(&String::from_utf8_lossy(&bytes));
    }
}

#[test]
fn many_unbalanced_quotes_stay_linear() {
    // Each line opens a quote that never closes; a quadratic parser would take minutes.
    let data = "A=\"x\n".repeat(50_000);
    let document = dotenv::parse(data.as_bytes());
    assert_eq!(document.entries.len(), 50_000);
}
