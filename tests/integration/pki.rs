//! Certificates made for a test: a CA, a server certificate for
//! 127.0.0.1 and localhost, and a client certificate, all signed by the
//! CA, written as PEM files in a temporary directory.

use rcgen::{BasicConstraints, CertificateParams, ExtendedKeyUsagePurpose, IsCa, Issuer, KeyPair};
use std::path::{Path, PathBuf};

/// The PEM files.
pub struct Pki {
    dir: tempfile::TempDir,
}

impl Pki {
    /// Makes the CA and both certificates.
    pub fn new() -> Pki {
        let dir = tempfile::tempdir().unwrap();
        let ca_key = KeyPair::generate().unwrap();
        let mut ca = CertificateParams::new(Vec::<String>::new()).unwrap();
        ca.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
        ca.distinguished_name
            .push(rcgen::DnType::CommonName, "peakdesk test CA");
        let ca_cert = ca.self_signed(&ca_key).unwrap();
        let issuer = Issuer::new(ca, ca_key);
        let write = |name: &str, text: String| std::fs::write(dir.path().join(name), text).unwrap();
        write("ca.pem", ca_cert.pem());
        for (name, sans, purpose) in [
            (
                "server",
                vec!["127.0.0.1".to_string(), "localhost".to_string()],
                ExtendedKeyUsagePurpose::ServerAuth,
            ),
            (
                "client",
                vec!["shopper.test".to_string()],
                ExtendedKeyUsagePurpose::ClientAuth,
            ),
        ] {
            let key = KeyPair::generate().unwrap();
            let mut p = CertificateParams::new(sans).unwrap();
            p.extended_key_usages = vec![purpose];
            let cert = p.signed_by(&key, &issuer).unwrap();
            write(&format!("{name}.pem"), cert.pem());
            write(&format!("{name}.key"), key.serialize_pem());
        }
        Pki { dir }
    }

    /// A file of it: `ca.pem`, `server.pem`, `server.key`, `client.pem`,
    /// `client.key`.
    pub fn file(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    /// `serve`'s flags for HTTPS with the server certificate.
    pub fn serve_flags(&self) -> Vec<String> {
        vec![
            "--tls-cert".into(),
            path(&self.file("server.pem")),
            "--tls-key".into(),
            path(&self.file("server.key")),
        ]
    }

    /// A copy of the target file `shipped` in `dir` with a `[tls]` table
    /// (`extra` lines after the CA).
    pub fn target(&self, shipped: &Path, dir: &Path, extra: &str) -> PathBuf {
        let text = std::fs::read_to_string(shipped).unwrap();
        let out = dir.join(shipped.file_name().unwrap());
        let tls = format!(
            "\n[tls]\nca_file = {:?}\n{extra}\n",
            path(&self.file("ca.pem"))
        );
        std::fs::write(&out, text + &tls).unwrap();
        out
    }
}

fn path(p: &Path) -> String {
    p.to_str().unwrap().to_string()
}
