//! Records the versions of the crates that shape simulated numbers (the
//! random generators and the histograms), read from Cargo.lock, so every
//! summary can say exactly what produced it.

fn main() {
    println!("cargo:rerun-if-changed=Cargo.lock");
    let lock = std::fs::read_to_string("Cargo.lock").unwrap_or_default();
    for name in ["rand", "rand_distr", "hdrhistogram"] {
        let needle = format!("name = \"{name}\"\nversion = \"");
        let version = lock
            .find(&needle)
            .map(|i| &lock[i + needle.len()..])
            .and_then(|rest| rest.split('"').next())
            .unwrap_or("unknown");
        println!(
            "cargo:rustc-env=PEAKDESK_DEP_{}={version}",
            name.to_uppercase()
        );
    }
}
