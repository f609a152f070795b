//! TLS through rustls (with the `ring` provider), following libpq's `sslmode` semantics.
//!
//! - `prefer` and `require` encrypt without checking the certificate, as libpq does; `require`
//!   with a root certificate (`sslrootcert`) checks the chain, as libpq does.
//! - `verify-ca` checks the chain against the root certificates but not the host name.
//! - `verify-full` checks both.
//!
//! Root certificates come from `sslrootcert` / `PGSSLROOTCERT`, else `~/.postgresql/root.crt`;
//! `sslrootcert=system` uses the system's bundle.
//!
//! A client certificate (`sslcert` / `sslkey`, chosen in `url.rs`) is read here, when the
//! connector is built: a PEM certificate chain (the client's certificate first) and a PEM private
//! key in PKCS#8, PKCS#1 (RSA) or SEC1 (EC) form. As in libpq, a key file the group or others may
//! read is refused. Messages name the file, never its contents.

use crate::url::{connect_error, ClientCert, SslMode};
use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::client::WebPkiServerVerifier;
use rustls::crypto::{verify_tls12_signature, verify_tls13_signature, CryptoProvider};
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, PrivateKeyDer, ServerName, UnixTime};
use rustls::sign::{CertifiedKey, SingleCertAndKey};
use rustls::{
    CertificateError, ClientConfig, DigitallySignedStruct, RootCertStore, SignatureScheme,
};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use strata_core::DriverError;

/// The rustls client configuration for a mode (`None` for `disable`).
pub(crate) fn client_config(
    mode: SslMode,
    root_cert: Option<&Path>,
    client_cert: Option<&ClientCert>,
) -> Result<Option<ClientConfig>, DriverError> {
    let provider = Arc::new(provider());
    let roots = match (mode, root_cert) {
        (SslMode::Disable, _) => return Ok(None),
        (SslMode::Prefer, _) | (SslMode::Require, None) => None,
        (SslMode::Require, Some(path)) => Some(load_roots(path)?),
        (SslMode::VerifyCa | SslMode::VerifyFull, Some(path)) => Some(load_roots(path)?),
        (SslMode::VerifyCa | SslMode::VerifyFull, None) => {
            let default = home_root_cert().filter(|p| p.exists()).ok_or_else(|| {
                connect_error(format!(
                    "sslmode={} needs root certificates to verify the server, but none were given",
                    if mode == SslMode::VerifyCa { "verify-ca" } else { "verify-full" }
                ))
                .with_hint(Some("add sslrootcert=/path/to/ca.pem to the URL (or set PGSSLROOTCERT), or sslrootcert=system for the system's certificates".into()))
            })?;
            Some(load_roots(&default)?)
        }
    };
    let verifier: Arc<dyn ServerCertVerifier> = match roots {
        None => Arc::new(NoVerification(provider.clone())),
        Some(roots) => {
            let webpki =
                WebPkiServerVerifier::builder_with_provider(Arc::new(roots), provider.clone())
                    .build()
                    .map_err(|e| connect_error(format!("cannot use the root certificates: {e}")))?;
            if mode == SslMode::VerifyFull {
                webpki
            } else {
                Arc::new(ChainOnly(webpki))
            }
        }
    };
    let builder = ClientConfig::builder_with_provider(provider.clone())
        .with_safe_default_protocol_versions()
        .map_err(|e| connect_error(format!("TLS set-up failed: {e}")))?
        .dangerous()
        .with_custom_certificate_verifier(verifier);
    let config = match client_cert {
        None => builder.with_no_client_auth(),
        Some(files) => {
            let (chain, key) = load_client_cert(files)?;
            let certified = certified_key(files, chain, key, &provider)?;
            builder.with_client_cert_resolver(Arc::new(SingleCertAndKey::from(certified)))
        }
    };
    Ok(Some(config))
}

/// The hint of every client certificate error.
const CLIENT_CERT_HINT: &str = "check sslcert / sslkey in the URL (or PGSSLCERT / PGSSLKEY); \
    without them strata uses ~/.postgresql/postgresql.crt and postgresql.key when both exist";

/// Reads a client certificate chain and its private key.
pub(crate) fn load_client_cert(
    files: &ClientCert,
) -> Result<(Vec<CertificateDer<'static>>, PrivateKeyDer<'static>), DriverError> {
    let hint = |e: DriverError| match e.hint {
        Some(_) => e,
        None => e.with_hint(Some(CLIENT_CERT_HINT.into())),
    };
    let cert_path = files.cert.display();
    let pem = std::fs::read(&files.cert).map_err(|e| {
        hint(connect_error(format!(
            "cannot read the client certificate file {cert_path}: {e}"
        )))
    })?;
    let chain = CertificateDer::pem_slice_iter(&pem)
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| {
            hint(connect_error(format!(
                "the client certificate file {cert_path} is not valid PEM ({})",
                pem_problem(&e)
            )))
        })?;
    if chain.is_empty() {
        return Err(hint(connect_error(format!(
            "the client certificate file {cert_path} holds no certificate: expected PEM \
             (-----BEGIN CERTIFICATE-----), the client's certificate first"
        ))));
    }
    let key = load_key(&files.key).map_err(hint)?;
    Ok((chain, key))
}

fn load_key(path: &Path) -> Result<PrivateKeyDer<'static>, DriverError> {
    let shown = path.display();
    let meta = std::fs::metadata(path)
        .map_err(|e| connect_error(format!("cannot read the private key file {shown}: {e}")))?;
    if !meta.is_file() {
        return Err(connect_error(format!(
            "the private key file {shown} is not a regular file"
        )));
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        if key_mode_too_open(meta.uid(), meta.mode(), effective_uid()) {
            return Err(connect_error(format!(
                "the private key file {shown} may be read by the group or others (mode {:04o}), \
                 so it is refused, as libpq refuses it",
                meta.mode() & 0o7777
            ))
            .with_hint(Some(format!(
                "chmod 0600 {shown} (or 0640 when owned by root)"
            ))));
        }
    }
    let pem = std::fs::read(path)
        .map_err(|e| connect_error(format!("cannot read the private key file {shown}: {e}")))?;
    if encrypted(&pem) {
        return Err(connect_error(format!(
            "the private key file {shown} is encrypted, and strata does not support \
             sslpassword"
        ))
        .with_hint(Some(format!(
            "write a decrypted copy (openssl pkey -in {shown} -out client.key), chmod 0600 it \
             and name it with sslkey"
        ))));
    }
    PrivateKeyDer::from_pem_slice(&pem).map_err(|e| match e {
        rustls::pki_types::pem::Error::NoItemsFound => connect_error(format!(
            "the private key file {shown} holds no private key: expected PEM in PKCS#8 \
             (-----BEGIN PRIVATE KEY-----), PKCS#1 (-----BEGIN RSA PRIVATE KEY-----) or SEC1 \
             (-----BEGIN EC PRIVATE KEY-----) form"
        )),
        e => connect_error(format!(
            "the private key file {shown} is not valid PEM ({})",
            pem_problem(&e)
        )),
    })
}

/// libpq's rule for key files: a file of the effective user must be readable by that user alone
/// (0600 or less); a file of root may also be readable by its group (0640 or less), for keys
/// managed by the system. When the effective user is unknown (no `/proc`), a file not owned by
/// root gets the first rule.
#[cfg(unix)]
fn key_mode_too_open(uid: u32, mode: u32, euid: Option<u32>) -> bool {
    let own = euid.map_or(uid != 0, |e| e == uid);
    (own && mode & 0o077 != 0) || (uid == 0 && mode & 0o037 != 0)
}

/// The effective user of this process: the owner of `/proc/self` (Linux), without `unsafe`.
#[cfg(unix)]
fn effective_uid() -> Option<u32> {
    use std::os::unix::fs::MetadataExt;
    std::fs::metadata("/proc/self").ok().map(|m| m.uid())
}

/// A PKCS#8 `ENCRYPTED PRIVATE KEY` section, or a traditional key with `Proc-Type: 4,ENCRYPTED`.
fn encrypted(pem: &[u8]) -> bool {
    pem.split(|&b| b == b'\n').any(|line| {
        line.starts_with(b"-----BEGIN ENCRYPTED") || line.starts_with(b"Proc-Type: 4,ENCRYPTED")
    })
}

/// What is wrong with a PEM file, without quoting any of it (a key's bytes must never be shown).
fn pem_problem(e: &rustls::pki_types::pem::Error) -> &'static str {
    use rustls::pki_types::pem::Error;
    match e {
        Error::MissingSectionEnd { .. } => "a -----BEGIN----- line has no -----END----- line",
        Error::IllegalSectionStart { .. } => "a -----BEGIN----- line is malformed",
        Error::Base64Decode(_) => "the text between -----BEGIN----- and -----END----- is damaged",
        Error::SectionTooLarge => "a section is too large",
        _ => "it cannot be read",
    }
}

/// The chain with its signing key, once the key is known to be the first certificate's.
///
/// rustls' own check (`CertifiedKey::keys_match`) parses the certificate with webpki, which
/// refuses X.509 v1 certificates, and `openssl x509 -req` without extensions makes v1
/// certificates (PostgreSQL's own documentation makes client certificates that way, and the
/// server accepts them). So the check here looks for the key's public key (its DER
/// SubjectPublicKeyInfo, which a certificate holds verbatim) in the certificate instead.
fn certified_key(
    files: &ClientCert,
    chain: Vec<CertificateDer<'static>>,
    key: PrivateKeyDer<'static>,
    provider: &CryptoProvider,
) -> Result<CertifiedKey, DriverError> {
    let (key_path, cert_path) = (files.key.display(), files.cert.display());
    let signing = provider.key_provider.load_private_key(key).map_err(|e| {
        connect_error(format!(
            "cannot use the private key {key_path}: {e} (RSA of 2048 to 8192 bits, ECDSA P-256 \
             or P-384, and Ed25519 keys are supported)"
        ))
        .with_hint(Some(CLIENT_CERT_HINT.into()))
    })?;
    if let Some(spki) = signing.public_key() {
        if !contains(&chain[0], &spki) {
            return Err(connect_error(format!(
                "the private key {key_path} does not belong to the client certificate \
                 {cert_path} (the first certificate of the file must be the client's)"
            ))
            .with_hint(Some(CLIENT_CERT_HINT.into())));
        }
    }
    Ok(CertifiedKey::new(chain, signing))
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    !needle.is_empty() && haystack.windows(needle.len()).any(|w| w == needle)
}

/// rustls' `ring` provider with P-256 as the first key exchange group. A TLS 1.3 client sends
/// a key share for its first group only; PostgreSQL before 18 accepts only the group in
/// `ssl_ecdh_curve` (default `prime256v1`, which is P-256), so offering X25519 first costs a
/// `HelloRetryRequest`: one more round trip on every connection. X25519 stays on offer for
/// servers configured for it.
fn provider() -> CryptoProvider {
    let mut provider = rustls::crypto::ring::default_provider();
    provider
        .kx_groups
        .sort_by_key(|g| g.name() != rustls::NamedGroup::secp256r1);
    provider
}

fn home_root_cert() -> Option<PathBuf> {
    std::env::var_os("HOME").map(|h| Path::new(&h).join(".postgresql/root.crt"))
}

fn load_roots(path: &Path) -> Result<RootCertStore, DriverError> {
    let mut store = RootCertStore::empty();
    let files: Vec<PathBuf> = if path == Path::new("system") {
        let candidates = [
            std::env::var_os("SSL_CERT_FILE").map(PathBuf::from),
            Some("/etc/ssl/certs/ca-certificates.crt".into()),
            Some("/etc/pki/tls/certs/ca-bundle.crt".into()),
            Some("/etc/ssl/cert.pem".into()),
        ];
        candidates
            .into_iter()
            .flatten()
            .filter(|p| p.exists())
            .take(1)
            .collect()
    } else {
        vec![path.to_path_buf()]
    };
    for file in &files {
        let certs = CertificateDer::pem_file_iter(file).map_err(|e| {
            connect_error(format!(
                "cannot read the root certificate file {}: {e}",
                file.display()
            ))
        })?;
        for cert in certs {
            let cert = cert.map_err(|e| {
                connect_error(format!("bad certificate in {}: {e}", file.display()))
            })?;
            store.add(cert).map_err(|e| {
                connect_error(format!("bad certificate in {}: {e}", file.display()))
            })?;
        }
    }
    if store.is_empty() {
        return Err(connect_error(format!(
            "no root certificates found in {}",
            path.display()
        )));
    }
    Ok(store)
}

/// libpq's `prefer`/`require`: encrypt, but accept any certificate. The handshake signature is
/// still checked, so the session is bound to the certificate presented.
#[derive(Debug)]
struct NoVerification(Arc<CryptoProvider>);

impl ServerCertVerifier for NoVerification {
    fn verify_server_cert(
        &self,
        _: &CertificateDer<'_>,
        _: &[CertificateDer<'_>],
        _: &ServerName<'_>,
        _: &[u8],
        _: UnixTime,
    ) -> Result<ServerCertVerified, rustls::Error> {
        Ok(ServerCertVerified::assertion())
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        verify_tls12_signature(
            message,
            cert,
            dss,
            &self.0.signature_verification_algorithms,
        )
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        verify_tls13_signature(
            message,
            cert,
            dss,
            &self.0.signature_verification_algorithms,
        )
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.0.signature_verification_algorithms.supported_schemes()
    }
}

/// libpq's `verify-ca`: the chain must lead to a trusted root; the name in the certificate is
/// not compared with the host (webpki checks the name only after the chain, so a name mismatch
/// means the chain was good).
#[derive(Debug)]
struct ChainOnly(Arc<WebPkiServerVerifier>);

impl ServerCertVerifier for ChainOnly {
    fn verify_server_cert(
        &self,
        end_entity: &CertificateDer<'_>,
        intermediates: &[CertificateDer<'_>],
        server_name: &ServerName<'_>,
        ocsp: &[u8],
        now: UnixTime,
    ) -> Result<ServerCertVerified, rustls::Error> {
        match self
            .0
            .verify_server_cert(end_entity, intermediates, server_name, ocsp, now)
        {
            Err(rustls::Error::InvalidCertificate(
                CertificateError::NotValidForName | CertificateError::NotValidForNameContext { .. },
            )) => Ok(ServerCertVerified::assertion()),
            other => other,
        }
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        self.0.verify_tls12_signature(message, cert, dss)
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        self.0.verify_tls13_signature(message, cert, dss)
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.0.supported_verify_schemes()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use strata_test_support::openssl;

    #[test]
    fn modes_build_configs() {
        assert!(client_config(SslMode::Disable, None, None)
            .unwrap()
            .is_none());
        assert!(client_config(SslMode::Prefer, None, None)
            .unwrap()
            .is_some());
        assert!(client_config(SslMode::Require, None, None)
            .unwrap()
            .is_some());
        let missing = client_config(
            SslMode::VerifyFull,
            Some(Path::new("/nonexistent/ca.pem")),
            None,
        );
        assert!(missing.unwrap_err().message.contains("/nonexistent/ca.pem"));
    }

    /// A self-signed certificate for `key`, written to `cert`.
    fn self_signed(dir: &Path, key: &str, cert: &str) {
        openssl::self_signed(dir, key, "strata", cert);
    }

    fn files(dir: &Path, cert: &str, key: &str) -> ClientCert {
        let key = dir.join(key);
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            std::fs::set_permissions(&key, std::fs::Permissions::from_mode(0o600)).unwrap();
        }
        ClientCert {
            cert: dir.join(cert),
            key,
        }
    }

    fn client_error(files: &ClientCert) -> DriverError {
        client_config(SslMode::Require, None, Some(files)).unwrap_err()
    }

    #[test]
    fn pkcs8_pkcs1_and_sec1_keys_load() {
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path();
        // PKCS#8 RSA, PKCS#1 RSA, SEC1 P-256, PKCS#8 Ed25519.
        openssl::openssl(
            d,
            &[
                "genpkey",
                "-algorithm",
                "RSA",
                "-pkeyopt",
                "rsa_keygen_bits:2048",
                "-out",
                "p8.key",
            ],
        );
        openssl::openssl(
            d,
            &["rsa", "-in", "p8.key", "-traditional", "-out", "p1.key"],
        );
        openssl::ec_key(d, "sec1.key");
        openssl::openssl(d, &["genpkey", "-algorithm", "ED25519", "-out", "ed.key"]);
        for (key, begin, der_kind) in [
            ("p8.key", "-----BEGIN PRIVATE KEY-----", "pkcs8"),
            ("p1.key", "-----BEGIN RSA PRIVATE KEY-----", "pkcs1"),
            ("sec1.key", "-----BEGIN EC PRIVATE KEY-----", "sec1"),
            ("ed.key", "-----BEGIN PRIVATE KEY-----", "pkcs8"),
        ] {
            let text = std::fs::read_to_string(d.join(key)).unwrap();
            assert!(text.starts_with(begin), "{key}: {text:.40}");
            let cert = format!("{key}.crt");
            self_signed(d, key, &cert);
            let files = files(d, &cert, key);
            let (chain, der) = load_client_cert(&files).unwrap();
            assert_eq!(chain.len(), 1, "{key}");
            let kind = match der {
                PrivateKeyDer::Pkcs8(_) => "pkcs8",
                PrivateKeyDer::Pkcs1(_) => "pkcs1",
                PrivateKeyDer::Sec1(_) => "sec1",
                _ => "other",
            };
            assert_eq!(kind, der_kind, "{key}");
            let config = client_config(SslMode::Require, None, Some(&files))
                .unwrap()
                .unwrap();
            assert!(config.client_auth_cert_resolver.has_certs(), "{key}");
        }
        // Without a client certificate, none is offered.
        let config = client_config(SslMode::Require, None, None)
            .unwrap()
            .unwrap();
        assert!(!config.client_auth_cert_resolver.has_certs());
    }

    #[test]
    fn a_chain_is_read_whole_with_the_client_certificate_first() {
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path();
        openssl::ec_key(d, "ca.key");
        self_signed(d, "ca.key", "ca.crt");
        openssl::ec_key(d, "client.key");
        openssl::openssl(
            d,
            &[
                "req",
                "-new",
                "-key",
                "client.key",
                "-subj",
                "/CN=app",
                "-out",
                "client.csr",
            ],
        );
        openssl::openssl(
            d,
            &[
                "x509",
                "-req",
                "-in",
                "client.csr",
                "-CA",
                "ca.crt",
                "-CAkey",
                "ca.key",
                "-CAcreateserial",
                "-days",
                "2",
                "-out",
                "leaf.crt",
            ],
        );
        let leaf = std::fs::read_to_string(d.join("leaf.crt")).unwrap();
        let ca = std::fs::read_to_string(d.join("ca.crt")).unwrap();
        std::fs::write(d.join("chain.crt"), format!("{leaf}{ca}")).unwrap();
        // `x509 -req` without extensions makes an X.509 v1 certificate, as PostgreSQL's
        // documentation does; it must be accepted.
        let text = std::process::Command::new("openssl")
            .args(["x509", "-noout", "-text", "-in", "leaf.crt"])
            .current_dir(d)
            .output()
            .unwrap();
        assert!(String::from_utf8_lossy(&text.stdout).contains("Version: 1"));
        let (chain, _) = load_client_cert(&files(d, "chain.crt", "client.key")).unwrap();
        assert_eq!(chain.len(), 2);
        client_config(
            SslMode::Require,
            None,
            Some(&files(d, "chain.crt", "client.key")),
        )
        .unwrap();
        // The CA first: its key is not the client's.
        std::fs::write(d.join("reversed.crt"), format!("{ca}{leaf}")).unwrap();
        let e = client_error(&files(d, "reversed.crt", "client.key"));
        assert!(
            e.message
                .contains("does not belong to the client certificate"),
            "{e}"
        );
        assert!(e.message.contains("reversed.crt"), "{e}");
    }

    #[test]
    fn bad_files_are_named_and_keys_never_shown() {
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path();
        openssl::ec_key(d, "ok.key");
        self_signed(d, "ok.key", "ok.crt");
        let key_text = std::fs::read_to_string(d.join("ok.key")).unwrap();
        let secret = key_text.lines().nth(1).unwrap().to_string();
        let shown = |e: &DriverError| format!("{e} {e:?}");

        // Missing files.
        let e = client_error(&ClientCert {
            cert: d.join("absent.crt"),
            key: d.join("ok.key"),
        });
        assert!(e.message.contains("absent.crt"), "{e}");
        assert!(e.hint.as_deref().unwrap().contains("sslcert"), "{e:?}");
        let e = client_error(&ClientCert {
            cert: d.join("ok.crt"),
            key: d.join("absent.key"),
        });
        assert!(
            e.message.contains("private key file") && e.message.contains("absent.key"),
            "{e}"
        );

        // A key the group may read is refused, as libpq refuses it.
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let files = files(d, "ok.crt", "ok.key");
            for (mode, refused) in [(0o600, false), (0o400, false), (0o640, true), (0o604, true)] {
                std::fs::set_permissions(&files.key, std::fs::Permissions::from_mode(mode))
                    .unwrap();
                let result = client_config(SslMode::Require, None, Some(&files));
                assert_eq!(result.is_err(), refused, "{mode:o}");
                if let Err(e) = result {
                    assert!(e.message.contains("ok.key"), "{e}");
                    assert!(e.message.contains("group or others"), "{e}");
                    assert!(e.hint.as_deref().unwrap().contains("chmod 0600"), "{e:?}");
                }
            }
            // libpq's rule, for each owner and user.
            assert!(key_mode_too_open(1000, 0o100640, Some(1000)));
            assert!(!key_mode_too_open(1000, 0o100600, Some(1000)));
            assert!(!key_mode_too_open(0, 0o100640, Some(1000)));
            assert!(key_mode_too_open(0, 0o100644, Some(1000)));
            assert!(key_mode_too_open(0, 0o100640, Some(0)));
            assert!(!key_mode_too_open(0, 0o100640, None));
            assert!(key_mode_too_open(1000, 0o100640, None));
            let me = std::fs::metadata(&files.key).unwrap();
            assert_eq!(
                effective_uid(),
                Some(std::os::unix::fs::MetadataExt::uid(&me))
            );
        }

        // Not a key, a damaged key, a certificate where the key should be, an encrypted key.
        std::fs::write(d.join("junk.key"), "not a key\n").unwrap();
        let e = client_error(&files(d, "ok.crt", "junk.key"));
        assert!(
            e.message.contains("junk.key") && e.message.contains("PKCS#8"),
            "{e}"
        );
        let damaged = key_text.replacen(&secret, &format!("{secret}!!"), 1);
        std::fs::write(d.join("damaged.key"), &damaged).unwrap();
        let e = client_error(&files(d, "ok.crt", "damaged.key"));
        assert!(
            e.message.contains("damaged.key") && e.message.contains("not valid PEM"),
            "{e}"
        );
        assert!(!shown(&e).contains(&secret[..20]), "{}", shown(&e));
        std::fs::copy(d.join("ok.crt"), d.join("cert-as.key")).unwrap();
        let e = client_error(&files(d, "ok.crt", "cert-as.key"));
        assert!(e.message.contains("holds no private key"), "{e}");
        openssl::openssl(
            d,
            &[
                "pkcs8",
                "-topk8",
                "-in",
                "ok.key",
                "-passout",
                "pass:s3cret",
                "-out",
                "enc.key",
            ],
        );
        let e = client_error(&files(d, "ok.crt", "enc.key"));
        assert!(
            e.message.contains("enc.key") && e.message.contains("encrypted"),
            "{e}"
        );

        // A key that is not the certificate's.
        openssl::ec_key(d, "other.key");
        let e = client_error(&files(d, "ok.crt", "other.key"));
        assert!(
            e.message.contains("other.key") && e.message.contains("does not belong"),
            "{e}"
        );
        assert!(!shown(&e).contains(&secret[..20]));

        // A key rustls cannot sign with (RSA under 2048 bits).
        openssl::openssl(
            d,
            &[
                "genpkey",
                "-algorithm",
                "RSA",
                "-pkeyopt",
                "rsa_keygen_bits:1024",
                "-out",
                "small.key",
            ],
        );
        self_signed(d, "small.key", "small.crt");
        let e = client_error(&files(d, "small.crt", "small.key"));
        assert!(
            e.message.contains("small.key") && e.message.contains("2048 to 8192"),
            "{e}"
        );

        // A certificate file without a certificate.
        std::fs::copy(d.join("ok.key"), d.join("key-as.crt")).unwrap();
        let e = client_error(&files(d, "key-as.crt", "ok.key"));
        assert!(
            e.message.contains("key-as.crt") && e.message.contains("no certificate"),
            "{e}"
        );
        assert!(!shown(&e).contains(&secret[..20]));
    }

    #[test]
    fn p256_is_offered_first_and_x25519_still_offered() {
        let names: Vec<_> = provider().kx_groups.iter().map(|g| g.name()).collect();
        assert_eq!(names[0], rustls::NamedGroup::secp256r1);
        assert!(names.contains(&rustls::NamedGroup::X25519));
    }
}
