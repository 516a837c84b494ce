//! Link settings of the WebAssembly build: the size of its stack (see `MAX_DEPTH_LIMIT` in
//! src/lib.rs).

fn main() {
    println!("cargo:rerun-if-changed=build.rs");
    if std::env::var("CARGO_CFG_TARGET_ARCH").as_deref() == Ok("wasm32") {
        // 2 MiB of stack (Rust's default on wasm32 is 1 MiB). Writing the canonical JSON nests
        // calls per plan level, on this stack and on the JavaScript engine's. Measured in Node
        // 20: 1 MiB held 6,287 levels compact and 5,050 pretty; V8's own stack then stops at
        // about 6,850 and 5,850. With 2 MiB the engine's stack is the one that binds, and
        // MAX_DEPTH_LIMIT (3,000) keeps half of it free (tests/errors.test.mjs checks).
        println!("cargo:rustc-link-arg=-zstack-size=2097152");
    }
}
