//! Joins each language's Fluent files (`locales/<lang>/*.ftl`, in name order) into one file in
//! `OUT_DIR`, so that each part of the interface keeps its messages in a file of its own.

use std::{env, fs, path::Path};

fn main() {
    let out = env::var("OUT_DIR").unwrap_or_else(|_| ".".into());
    let root = Path::new("locales");
    println!("cargo:rerun-if-changed=locales");
    for lang in ["en", "fr", "ar", "es", "zh", "ko"] {
        let dir = root.join(lang);
        println!("cargo:rerun-if-changed={}", dir.display());
        let mut files: Vec<_> = fs::read_dir(&dir)
            .map(|d| d.flatten().map(|e| e.path()).filter(|p| p.extension().is_some_and(|e| e == "ftl")).collect())
            .unwrap_or_default();
        files.sort();
        let mut joined = String::new();
        for f in files {
            println!("cargo:rerun-if-changed={}", f.display());
            joined.push_str(&fs::read_to_string(&f).unwrap_or_else(|e| panic!("{}: {e}", f.display())));
            joined.push('\n');
        }
        fs::write(Path::new(&out).join(format!("{lang}.ftl")), joined).unwrap_or_else(|e| panic!("{out}: {e}"));
    }
}
