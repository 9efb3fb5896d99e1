//! Records the versions of the crates that shape simulated numbers (the
//! random generators and the histograms), read from Cargo.lock, so every
//! summary can say exactly what produced it. When the lock holds several
//! versions of a crate (others' dependencies), the one peakdesk itself
//! depends on is the one its dependency list names.

fn main() {
    println!("cargo:rerun-if-changed=Cargo.lock");
    let lock = std::fs::read_to_string("Cargo.lock").unwrap_or_default();
    let own: Vec<&str> = lock
        .split("[[package]]")
        .find(|p| p.contains("\nname = \"peakdesk\"\n"))
        .and_then(|p| p.split_once("dependencies = [").map(|(_, d)| d))
        .and_then(|d| d.split_once(']').map(|(list, _)| list))
        .map(|list| list.split('"').skip(1).step_by(2).collect())
        .unwrap_or_default();
    for name in ["rand", "rand_distr", "hdrhistogram"] {
        // "rand 0.10.4" when the lock holds several rands, "rand" when one.
        let named = own
            .iter()
            .find_map(|d| d.strip_prefix(name)?.strip_prefix(' '));
        let needle = format!("name = \"{name}\"\nversion = \"");
        let only = lock
            .find(&needle)
            .map(|i| &lock[i + needle.len()..])
            .and_then(|rest| rest.split('"').next());
        let version = named.or(only).unwrap_or("unknown");
        println!(
            "cargo:rustc-env=PEAKDESK_DEP_{}={version}",
            name.to_uppercase()
        );
    }
}
