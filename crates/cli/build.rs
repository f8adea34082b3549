//! With the `duckdb` feature the binary links the prebuilt `libduckdb.so` found in
//! `DUCKDB_LIB_DIR` (scripts/deps.sh fetches it). Record that folder as the binary's run-time
//! library path so `xldb-codex` runs without `LD_LIBRARY_PATH`.

fn main() {
    println!("cargo:rerun-if-env-changed=DUCKDB_LIB_DIR");
    if std::env::var_os("CARGO_FEATURE_DUCKDB").is_some() {
        if let Some(dir) = std::env::var_os("DUCKDB_LIB_DIR") {
            println!(
                "cargo:rustc-link-arg-bins=-Wl,-rpath,{}",
                dir.to_string_lossy()
            );
        }
    }
}
