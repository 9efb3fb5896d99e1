//! TLS for `drive` and `serve`: rustls with the `ring` provider (a small C
//! and assembly build through `cc`, no CMake or Go, unlike `aws-lc-rs`,
//! reqwest's default), installed once per process before any client or
//! server is made. A drive trusts the system's roots plus a target's
//! `ca_file`, may present a client certificate, and accepts any
//! certificate only with `insecure = true` (warned on every run); `serve`
//! answers over TLS with a certificate and key from PEM files, and can
//! demand client certificates signed by a CA.

use super::target_raw::RawTls;
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, PrivateKeyDer};
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// Makes `ring` the process's rustls provider (once; later calls do
/// nothing). Every HTTP client and TLS server is built after this.
pub fn install_provider() {
    let _ = rustls::crypto::ring::default_provider().install_default();
}

/// A reqwest client builder with the process's TLS provider in place.
pub fn client_builder() -> reqwest::ClientBuilder {
    install_provider();
    reqwest::Client::builder()
}

/// A target's TLS settings, checked.
#[derive(Clone, Default)]
pub struct Tls {
    /// Extra roots (PEM bundle), besides the system's.
    roots: Vec<reqwest::Certificate>,
    /// The client certificate and key (PEM), when one is presented.
    identity: Option<reqwest::Identity>,
    /// Accept any server certificate.
    pub insecure: bool,
}

impl std::fmt::Debug for Tls {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Tls")
            .field("roots", &self.roots.len())
            .field("identity", &self.identity.is_some())
            .field("insecure", &self.insecure)
            .finish()
    }
}

fn read(dir: &Path, key: &'static str, file: &str) -> Result<Vec<u8>, (&'static str, String)> {
    let path = dir.join(file);
    std::fs::read(&path).map_err(|e| (key, format!("cannot read {}: {e}", path.display())))
}

impl Tls {
    /// Checks `[tls]` (files relative to `dir`); on error, the key under
    /// `tls` and what is wrong.
    pub(super) fn check(raw: Option<&RawTls>, dir: &Path) -> Result<Tls, (&'static str, String)> {
        let Some(raw) = raw else {
            return Ok(Tls::default());
        };
        let roots = match &raw.ca_file {
            Some(f) => {
                let pem = read(dir, "ca_file", f)?;
                let certs = reqwest::Certificate::from_pem_bundle(&pem)
                    .map_err(|e| ("ca_file", format!("{f}: not PEM certificates: {e}")))?;
                if certs.is_empty() {
                    return Err(("ca_file", format!("{f}: no certificate in it")));
                }
                certs
            }
            None => Vec::new(),
        };
        let identity = match (&raw.client_cert, &raw.client_key) {
            (Some(c), Some(k)) => {
                let mut pem = read(dir, "client_cert", c)?;
                pem.push(b'\n');
                pem.extend(read(dir, "client_key", k)?);
                Some(reqwest::Identity::from_pem(&pem).map_err(|e| {
                    (
                        "client_cert",
                        format!("{c} with {k}: not a PEM certificate and private key: {e}"),
                    )
                })?)
            }
            (Some(_), None) => return Err(("client_key", "missing: client_cert needs it".into())),
            (None, Some(_)) => return Err(("client_cert", "missing: client_key needs it".into())),
            (None, None) => None,
        };
        Ok(Tls {
            roots,
            identity,
            insecure: raw.insecure,
        })
    }

    /// `b` set to make connections as these settings say.
    pub fn apply(&self, b: reqwest::ClientBuilder) -> reqwest::ClientBuilder {
        let mut b = b
            .tls_certs_merge(self.roots.iter().cloned())
            .tls_danger_accept_invalid_certs(self.insecure);
        if let Some(id) = &self.identity {
            b = b.identity(id.clone());
        }
        b
    }
}

/// Why `serve`'s TLS cannot start.
#[derive(Debug, thiserror::Error)]
pub enum TlsError {
    /// A PEM file is missing or unreadable.
    #[error("{}: {why}", path.display())]
    File {
        /// The file.
        path: PathBuf,
        /// What is wrong with it.
        why: String,
    },
    /// rustls refused the certificate and key, or the client CA.
    #[error("{0}")]
    Config(String),
}

fn pem_error(path: &Path, what: &str, e: impl std::fmt::Display) -> TlsError {
    TlsError::File {
        path: path.to_path_buf(),
        why: format!("expected {what} in PEM: {e}"),
    }
}

/// The server side: a certificate chain and key, and optionally the CA
/// that client certificates must be signed by.
pub fn server_config(
    cert: &Path,
    key: &Path,
    client_ca: Option<&Path>,
) -> Result<Arc<rustls::ServerConfig>, TlsError> {
    install_provider();
    let chain: Vec<CertificateDer<'static>> = CertificateDer::pem_file_iter(cert)
        .and_then(|it| it.collect::<Result<_, _>>())
        .map_err(|e| pem_error(cert, "certificates", e))?;
    if chain.is_empty() {
        return Err(pem_error(cert, "certificates", "none found"));
    }
    let key_der =
        PrivateKeyDer::from_pem_file(key).map_err(|e| pem_error(key, "a private key", e))?;
    let builder = rustls::ServerConfig::builder();
    let builder = match client_ca {
        Some(ca) => {
            let mut roots = rustls::RootCertStore::empty();
            for c in
                CertificateDer::pem_file_iter(ca).map_err(|e| pem_error(ca, "certificates", e))?
            {
                let c = c.map_err(|e| pem_error(ca, "certificates", e))?;
                roots
                    .add(c)
                    .map_err(|e| pem_error(ca, "CA certificates", e))?;
            }
            let verifier = rustls::server::WebPkiClientVerifier::builder(Arc::new(roots))
                .build()
                .map_err(|e| TlsError::Config(format!("client CA {}: {e}", ca.display())))?;
            builder.with_client_cert_verifier(verifier)
        }
        None => builder.with_no_client_auth(),
    };
    let mut config = builder
        .with_single_cert(chain, key_der)
        .map_err(|e| TlsError::Config(format!("{} with {}: {e}", cert.display(), key.display())))?;
    config.alpn_protocols = vec![b"h2".to_vec(), b"http/1.1".to_vec()];
    Ok(Arc::new(config))
}
