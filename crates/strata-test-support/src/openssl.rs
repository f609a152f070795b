//! Throwaway keys and certificates made with the `openssl` command, for TLS tests.

use std::path::Path;

/// Runs `openssl ARGS` in `dir`; panics with openssl's message when it fails.
pub fn openssl(dir: &Path, args: &[&str]) {
    let out = std::process::Command::new("openssl")
        .args(args)
        .current_dir(dir)
        .output()
        .expect("openssl is needed by the TLS tests (apt-get install openssl; .ci/run does)");
    assert!(
        out.status.success(),
        "openssl {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// A P-256 private key in SEC1 form (`BEGIN EC PRIVATE KEY`), written to `dir/name`.
pub fn ec_key(dir: &Path, name: &str) {
    openssl(
        dir,
        &[
            "ecparam",
            "-name",
            "prime256v1",
            "-genkey",
            "-noout",
            "-out",
            name,
        ],
    );
}

/// A self-signed certificate for `dir/key` with common name `cn`, written to `dir/cert`.
pub fn self_signed(dir: &Path, key: &str, cn: &str, cert: &str) {
    let subject = format!("/CN={cn}");
    openssl(
        dir,
        &[
            "req", "-x509", "-new", "-key", key, "-subj", &subject, "-days", "2", "-out", cert,
        ],
    );
}

/// Gives `path` the permission bits `mode` (`0o600` for a private key libpq accepts).
pub fn chmod(path: &Path, mode: u32) {
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode)).unwrap();
}
