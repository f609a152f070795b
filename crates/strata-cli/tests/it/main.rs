//! Integration tests of the `strata` binary against real databases (one test binary for the
//! crate, so there is one link step).
//!
//! - `conformance/`: scenarios every engine must pass, written once as functions taking a
//!   [`TestDb`](strata_test_support::TestDb) and instantiated per engine by [`conformance!`].
//! - `config`, `new`, `example`, `lock`, `output`: the command line itself (configuration,
//!   file creation, the example project, waiting for the lock, output snapshots), on SQLite.
//! - `pg_only`: PostgreSQL-only behaviour (8 processes racing, SIGKILL mid-migration, error
//!   frames with SQLSTATE, passwords kept out of the output, `--schema`).

mod conformance;
mod harness;

mod config;
mod example;
mod lint;
mod lock;
mod new;
mod output;
mod pg_only;
mod schema;

/// Generates one `#[test]` per conformance scenario for an engine, in a module named after it:
/// `conformance!(sqlite, Engine::Sqlite)` gives `sqlite::run::down_to_a_version_and_to_zero`
/// and so on. Every scenario gets a fresh database of its own.
macro_rules! conformance {
    ($engine_mod:ident, $engine:expr) => {
        mod $engine_mod {
            conformance!(@scenarios $engine;
                run {
                    up_applies_pending_in_order_and_down_reverts_one_by_default,
                    down_n_reverts_the_n_highest,
                    down_to_a_version_and_to_zero,
                    down_to_zero_stops_at_the_first_failing_down,
                    down_batch_reverts_what_the_last_up_applied,
                    redo_reverts_and_applies_the_last_migration_again,
                    up_to_applies_up_to_and_including_the_version,
                    up_and_down_with_nothing_to_do_change_nothing,
                    dry_run_prints_the_plan_and_changes_nothing,
                    a_failed_run_releases_the_lock,
                }
                dirty {
                    failed_no_transaction_migration_is_dirty_and_up_resumes_at_the_failing_statement,
                    repair_marks_a_dirty_migration_applied,
                    repair_forget_removes_a_dirty_migration,
                    dirty_migration_blocks_down_and_redo,
                    failed_no_transaction_down_is_recorded_and_down_resumes_at_the_failing_statement,
                    repair_resolves_a_partly_reverted_migration,
                }
                policy {
                    out_of_order_is_refused_unless_allowed,
                    modified_is_refused_until_its_checksum_is_accepted,
                    missing_is_refused_unless_allowed_and_down_uses_the_stored_script,
                    baseline_counts_older_files_as_applied,
                    mark_applied_records_without_running,
                    single_transaction_failure_rolls_everything_back,
                    single_transaction_refuses_a_no_transaction_migration,
                }
                commands {
                    status_check_exits_1_until_everything_is_applied,
                    validate_exits_1_on_a_bad_directory_and_0_on_a_good_one,
                    version_prints_the_highest_applied_version,
                    every_command_speaks_json,
                    errors_are_json_too,
                    global_options_go_before_or_after_the_subcommand,
                    history_table_option_keeps_a_separate_history,
                }
                layouts {
                    pairs_layout,
                    single_files_without_sections_apply_but_cannot_be_reverted,
                    single_files_with_dbmate_sections,
                    diesel_directories_in_all_three_name_forms,
                    diesel_versions_that_differ_only_in_leading_zeros,
                    dbmate_names_with_a_dash,
                    flyway_versions_order_numerically_and_undo_files_revert,
                    flyway_repeatable_runs_again_after_it_changes,
                }
                files {
                    files_without_final_newline_or_semicolon,
                    file_with_its_own_transaction_wrapper,
                    crlf_and_byte_order_mark,
                    engine_specific_bodies_with_semicolons,
                }
                bad_input {
                    file_that_fits_no_pattern,
                    duplicate_versions,
                    down_without_up,
                    invalid_utf8,
                    broken_down_file,
                    empty_up,
                    unknown_directive,
                    unterminated_quote,
                    statement_that_cannot_run_in_a_transaction,
                    failure_in_the_third_of_three_keeps_the_first_two,
                    errors_on_a_fresh_database_leave_it_empty,
                }
                verify {
                    up_verify_runs_each_verify_script_before_the_commit,
                    up_verify_reports_each_outcome_in_json,
                    failing_verify_of_a_transactional_migration_leaves_no_trace,
                    failing_verify_of_a_non_transactional_migration_stops_the_run,
                    failing_verify_in_a_single_transaction_rolls_everything_back,
                    verify_setting_in_the_config_file,
                }
                concurrency {
                    eight_runners_apply_each_migration_exactly_once,
                    racing_runners_stop_at_the_same_failure,
                }
            );
        }
    };
    (@scenarios $engine:expr; $($module:ident { $($scenario:ident),* $(,)? })*) => {
        $(
            mod $module {
                #[allow(unused_imports)]
                use strata_test_support::Engine;
                $(
                    #[test]
                    fn $scenario() {
                        let db = strata_test_support::TestDb::new($engine);
                        crate::conformance::$module::$scenario(&db);
                    }
                )*
            }
        )*
    };
}

conformance!(sqlite, Engine::Sqlite);
conformance!(postgres, Engine::Postgres);
