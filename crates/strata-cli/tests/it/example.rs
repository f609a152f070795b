//! The example project in `examples/blog`, copied to a temp dir so the repository is never
//! written to.

use crate::harness::*;
use std::path::Path;
use strata_test_support::{Engine, TestDb};

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), &target).unwrap();
        }
    }
}

#[test]
fn blog_example_goes_up_and_all_the_way_down() {
    let db = TestDb::new(Engine::Sqlite);
    let source = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples/blog");
    let blog = db.dir().join("blog");
    copy_dir(&source, &blog);
    // Run from the test directory, not the project's: the config file's `dir` is relative to it.
    let run = |args: &[&str]| {
        Strata::bare(db.dir())
            .args(["--config", "blog/strata.toml", "--database-url", db.url()])
            .args(args)
            .run()
    };
    run(&["status", "--check"])
        .code(1)
        .says(&["0 applied, 4 pending"]);
    run(&["validate"]).ok().says(&["4 migration(s)"]);
    run(&["up"]).ok().says(&["Applied 4 of 4"]);
    assert_eq!(db.tables(), with_history(&["posts", "users"]));
    assert_eq!(
        db.indexes(),
        ["posts_author_id_idx", "posts_published_at_idx"]
    );
    // The triggers from 0004 work.
    db.execute("INSERT INTO users (id, email, display_name) VALUES (1, 'a@example.com', 'A')");
    db.execute("INSERT INTO posts (author_id, title) VALUES (1, 'hello')");
    assert_eq!(db.query_strings("SELECT post_count FROM users"), ["1"]);
    run(&["status", "--check"]).ok().says(&["4 applied"]);
    assert_eq!(run(&["version"]).ok().stdout, "0004\n");
    db.execute("DELETE FROM posts; DELETE FROM users;");
    run(&["down", "--to", "0"]).ok().says(&["Reverted 4 of 4"]);
    assert_eq!(db.tables(), with_history(&[]));
    assert!(db.indexes().is_empty());
    run(&["status", "--check"]).code(1);
}
