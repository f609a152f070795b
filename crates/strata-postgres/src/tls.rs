//! TLS through rustls (with the `ring` provider), following libpq's `sslmode` semantics.
//!
//! - `prefer` and `require` encrypt without checking the certificate, as libpq does; `require`
//!   with a root certificate (`sslrootcert`) checks the chain, as libpq does.
//! - `verify-ca` checks the chain against the root certificates but not the host name.
//! - `verify-full` checks both.
//!
//! Root certificates come from `sslrootcert` / `PGSSLROOTCERT`, else `~/.postgresql/root.crt`;
//! `sslrootcert=system` uses the system's bundle.

use crate::url::{connect_error, SslMode};
use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::client::WebPkiServerVerifier;
use rustls::crypto::{verify_tls12_signature, verify_tls13_signature, CryptoProvider};
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, ServerName, UnixTime};
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
    let config = ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|e| connect_error(format!("TLS set-up failed: {e}")))?
        .dangerous()
        .with_custom_certificate_verifier(verifier)
        .with_no_client_auth();
    Ok(Some(config))
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

    #[test]
    fn modes_build_configs() {
        assert!(client_config(SslMode::Disable, None).unwrap().is_none());
        assert!(client_config(SslMode::Prefer, None).unwrap().is_some());
        assert!(client_config(SslMode::Require, None).unwrap().is_some());
        let missing = client_config(SslMode::VerifyFull, Some(Path::new("/nonexistent/ca.pem")));
        assert!(missing.unwrap_err().message.contains("/nonexistent/ca.pem"));
    }

    #[test]
    fn p256_is_offered_first_and_x25519_still_offered() {
        let names: Vec<_> = provider().kx_groups.iter().map(|g| g.name()).collect();
        assert_eq!(names[0], rustls::NamedGroup::secp256r1);
        assert!(names.contains(&rustls::NamedGroup::X25519));
    }
}
