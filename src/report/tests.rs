//! Snapshot tests of every renderer on synthetic results (see `testdata`).
//! The snapshots under `snapshots/` are the spec of what a learner sees:
//! review a changed one line by line (`INSTA_UPDATE=always` rewrites them).

use insta::assert_snapshot;

use super::testdata::{
    self, Results, build_failed, check_errors, checked, course, learner_errors, progress, tool_output_only,
};
use super::{classroom, exercism, native, screen, terminal};
use crate::grade::Graded;
use crate::grade::toolchain::BuildFailure;
use crate::lang::Lang;
use crate::progress::Progress;

const CORE: [&str; 4] = ["schema-design", "basic-selectors", "update-logic", "type-safety"];

/// The Towel stub's placeholders, by check id prefix, as the Rust runtime reports them.
const TOWEL_TODOS: [(&str, &str); 4] = [
    ("schema.", "not yet implemented: build the tables from the three lists at towel/src/lib.rs:88"),
    ("selectors.", "not yet implemented: look the post up at towel/src/lib.rs:97"),
    ("updates.", "not yet implemented: apply the partial update at towel/src/lib.rs:142"),
    ("extension.", "not yet implemented: join the post with its author at towel/src/lib.rs:201"),
];

/// Every renderer on the same outcomes, each as `check` prints it.
fn all_four(name: &str, outcomes: &[Graded], progress: &Progress, all: bool) {
    let text = terminal::check_report(outcomes, progress);
    assert!(!text.contains('\u{1b}'), "colour codes in a snapshot");
    assert_snapshot!(format!("{name}-terminal"), text);
    assert_snapshot!(format!("{name}-native"), native::render_all(outcomes, progress, all));
    assert_snapshot!(format!("{name}-exercism"), exercism::render(outcomes));
    assert_snapshot!(format!("{name}-classroom"), classroom::render(outcomes));
}

fn build_failure(name: &str, failure: BuildFailure) {
    let course = course(Lang::Rust);
    let outcomes = [build_failed(&course, "towel", failure)];
    all_four(name, &outcomes, &progress(&[("towel", &[])]), false);
}

#[test]
fn build_failed_in_the_learners_code() {
    build_failure("build-learner-errors", learner_errors("towel"));
}

#[test]
fn build_failed_in_the_hidden_checks() {
    build_failure("build-check-errors", check_errors());
}

#[test]
fn build_failed_with_only_the_tools_output() {
    build_failure("build-tool-output", tool_output_only());
}

/// Towel, passing but for a failure, a timeout, a slow perf check and a panic.
fn first_failures(course: &crate::course::Course) -> Results<'_> {
    Results::passing(course, "towel")
        .failed(
            "schema.from-entities-rejects-dangling",
            "from_entities with a post whose author \"ghost\" is not in the users list\n  \
             expected: Err(UnknownUser(UserId(\"ghost\")))\n  actual:   Ok(..)",
        )
        .timed_out("schema.rename-visible-everywhere")
        .perf("schema.rename-cost-flat", 7.93, 1.31)
        .panicked("selectors.post-comments-in-order", "not yet implemented: list the comments at towel/src/lib.rs:131")
}

/// Every way a check can end, on one level.
#[test]
fn mixed_results() {
    let course = course(Lang::Rust);
    let outcome = first_failures(&course)
        .panicked(
            "selectors.post-comments-only-this-post",
            "not yet implemented: list the comments at towel/src/lib.rs:131",
        )
        .out_of_memory("selectors.user-posts-in-order")
        .crashed(
            "selectors.seed-scenario",
            6,
            &(1..=9).map(|i| format!("debug: visiting post p{i}\n")).collect::<String>(),
            "thread 'main' panicked at towel/src/lib.rs:160:9:\npanic in a destructor during cleanup\n\
             thread caused non-unwinding panic. aborting.\n",
        )
        .perf("selectors.post-comments-cost-flat", 1.12, 1.02)
        .failed(
            "types.user-id-is-not-a-post-id",
            "this mix-up compiled, so the compiler cannot catch it for you. Make each kind of id its own type.",
        )
        .failed(
            "types.post-id-is-not-a-user-id",
            "this mix-up compiled, so the compiler cannot catch it for you. Make each kind of id its own type.",
        )
        .failed_printing(
            "extension.post-with-author-borrows",
            &format!(
                "select_post_with_author(\"p1\") copied the post instead of borrowing it\n{}",
                (1..=15).map(|i| format!("  field {i}: expected a borrow of the stored value\n")).collect::<String>()
            ),
            "cloning Post p1\n",
        )
        .graded(&["update-logic"]);
    all_four("mixed", &[outcome], &progress(&[("towel", &["update-logic"])]), false);
}

/// The first check that passes everything: every item mastered now, reflection follows.
#[test]
fn all_passing() {
    let course = course(Lang::Rust);
    let outcome = Results::passing(&course, "towel").graded(&[
        "schema-design",
        "basic-selectors",
        "update-logic",
        "type-safety",
        "extension",
    ]);
    let p = progress(&[("towel", &["schema-design", "basic-selectors", "update-logic", "type-safety", "extension"])]);
    all_four("all-passing", &[outcome], &p, false);
}

/// A check run without `--stress` leaves the stress checks out, and says how to run them.
#[test]
fn all_passing_without_the_stress_checks() {
    let course = course(Lang::Rust);
    let outcome = Results::passing(&course, "deep-thought").graded(&[]);
    let items: Vec<&str> = course.level("deep-thought").unwrap().items.iter().map(|i| i.id.as_str()).collect();
    let text = terminal::check_report(&[outcome], &progress(&[("deep-thought", &items)]));
    assert_snapshot!("all-passing-without-stress-terminal", text);
}

/// Mastery is kept when a check breaks later, and the report says so.
#[test]
fn a_mastered_level_regresses() {
    let course = course(Lang::Rust);
    let outcome = Results::passing(&course, "towel")
        .failed(
            "updates.old-state-unchanged",
            "after update_post(\"p1\"), the old state's post \"p1\"\n  expected: \"Hello\"\n  actual:   \"Hello, galaxy\"",
        )
        .graded(&[]);
    let p = progress(&[("towel", &CORE)]);
    let text = terminal::check_report(&[outcome], &p);
    assert_snapshot!("regressed-terminal", text);
}

/// A mastered item that fails again is named even before the whole level is mastered.
#[test]
fn a_mastered_item_regresses_before_the_level_is_mastered() {
    let course = course(Lang::Rust);
    let outcome = Results::passing(&course, "towel")
        .failed("selectors.select-user", "select_user(\"alice\")\n  expected: Some(\"Alice\")\n  actual:   None")
        .failed("updates.add-user", "add_user(\"carol\") left the users table unchanged")
        .graded(&[]);
    let p = progress(&[("towel", &["schema-design", "basic-selectors"])]);
    let text = terminal::check_report(&[outcome], &p);
    assert_snapshot!("regressed-item-terminal", text);
}

/// Only the bonus fails on a mastered level: nothing regressed, the rest is bonus.
#[test]
fn a_mastered_level_with_the_bonus_failing() {
    let course = course(Lang::Rust);
    let outcome = Results::passing(&course, "towel")
        .panicked(
            "extension.post-with-author",
            "not yet implemented: join the post with its author at towel/src/lib.rs:201",
        )
        .panicked(
            "extension.post-with-author-borrows",
            "not yet implemented: join the post with its author at towel/src/lib.rs:201",
        )
        .graded(&[]);
    let text = terminal::check_report(&[outcome], &progress(&[("towel", &CORE)]));
    assert_snapshot!("bonus-failing-terminal", text);
}

/// `check --all` over three levels: one passes, one is the stub, one does not compile.
#[test]
fn several_levels_at_once() {
    let course = course(Lang::Rust);
    let babel_todos: [(&str, &str); 6] = [
        ("memo.", "not yet implemented: a selector with an empty cache at babel-fish/src/lib.rs:315"),
        ("queries.", "not yet implemented: create_selector(inputs, result) for one post at babel-fish/src/lib.rs:353"),
        ("views.", "not yet implemented at babel-fish/src/lib.rs:439"),
        ("perf.", "not yet implemented: create_selector(inputs, result) for one post at babel-fish/src/lib.rs:353"),
        ("updates.", "not yet implemented: merge the update into a new state at babel-fish/src/lib.rs:501"),
        ("extension.", "not yet implemented: bonus: a post arrives in real time at babel-fish/src/lib.rs:517"),
    ];
    let outcomes = [
        Results::passing(&course, "towel").graded(&[]),
        Results::stub(&course, "babel-fish", &babel_todos).graded(&[]),
        build_failed(&course, "improbability-drive", learner_errors("improbability-drive")),
    ];
    let p = progress(&[("towel", &CORE), ("babel-fish", &[]), ("improbability-drive", &[])]);
    all_four("several-levels", &outcomes, &p, true);
}

/// The Towel stub: every check reaches a placeholder, so each one is named once.
#[test]
fn the_stub() {
    let course = course(Lang::Rust);
    let mut outcome = Results::stub(&course, "towel", &TOWEL_TODOS);
    for id in [
        "types.user-id-is-not-a-post-id",
        "types.post-id-is-not-a-user-id",
        "types.comment-id-is-not-a-post-id",
        "types.author-must-be-a-user-id",
    ] {
        outcome = outcome.failed(
            id,
            "this mix-up compiled, so the compiler cannot catch it for you. Make each kind of id its own type.",
        );
    }
    let text = terminal::check_report(&[outcome.graded(&[])], &progress(&[("towel", &[])]));
    assert_snapshot!("stub-terminal", text);
}

/// The TypeScript track: its runtime's wording for throws and out-of-memory, tsc's errors.
#[test]
fn typescript() {
    let course = course(Lang::TypeScript);
    let outcome = Results::passing(&course, "towel")
        .panicked("schema.from-entities", "not implemented: build the tables from the three lists at towel/src/index.ts:61")
        .panicked(
            "selectors.post-comments-in-order",
            "TypeError: Cannot read properties of undefined (reading 'map')\n    at selectPostComments (towel/src/index.ts:88:31)",
        )
        .failed(
            "updates.undefined-keeps-field",
            "updatePost(state, 'p1', { title: undefined }) should keep the title\n  expected: \"Hello\"\n  actual:   undefined",
        )
        .out_of_memory("updates.frozen-state")
        .perf("selectors.post-comments-cost-flat", 9.4, 1.03)
        .failed(
            "types.string-is-not-a-post-id",
            "this mix-up compiled, so the compiler cannot catch it for you:\n  const id: PostId = 'p1';\nGive each \
             kind of id its own branded type, e.g. `type PostId = string & { readonly __brand: 'PostId' }`.",
        )
        .graded(&[]);
    let p = progress(&[("towel", &[])]);
    assert_snapshot!("typescript-terminal", terminal::check_report(&[outcome], &p));

    let tsc = BuildFailure {
        tool: "tsc",
        learner_errors: vec![
            "towel/src/index.ts:42:5: error TS2322: Type 'string' is not assignable to type 'PostId'.\n  \
             Type 'string' is not assignable to type '{ readonly __brand: \"PostId\"; }'."
                .to_string(),
        ],
        check_errors: Vec::new(),
        tool_output: String::new(),
    };
    let outcomes = [build_failed(&course, "towel", tsc)];
    assert_snapshot!("typescript-build-failed-terminal", terminal::check_report(&outcomes, &p));
    assert_snapshot!("typescript-build-failed-exercism", exercism::render(&outcomes));
}

/// Each perf check beside the reference solution's time: in the perf table
/// once attached, and after the report as `check` prints it; a
/// `reference_budget` (none by default) fails a constant factor.
#[test]
fn against_the_reference() {
    let course = course(Lang::TypeScript);
    let outcome = Results::passing(&course, "towel")
        .perf_against_reference("schema.rename-cost-flat", 0.97, 0.8, None)
        .perf_against_reference("selectors.post-comments-cost-flat", 1.1, 52.3, Some(40.0))
        .graded(&[]);
    let p = progress(&[("towel", &[])]);
    assert_snapshot!("against-the-reference-after-the-report", terminal::versus(&outcome.grade));
    assert_snapshot!("against-the-reference-terminal", terminal::check_report(&[outcome], &p));
    let figures = |vs: &[f64]| -> Vec<crate::grade::Versus> {
        let each = |v: &f64| crate::grade::Versus { id: "a".into(), reference_ns: 1.0, vs_reference: *v };
        vs.iter().map(each).collect()
    };
    assert_eq!(
        terminal::versus_summary(&figures(&[0.97, 52.3, 1.1])),
        "you against the reference solution: 0.97x to 52.30x its time on 3 perf checks · [r] each"
    );
    assert_eq!(
        terminal::versus_summary(&figures(&[1.04])),
        "you against the reference solution: 1.04x its time on 1 perf check · [r] each"
    );
}

/// `workshop progress` part way through the galaxy.
#[test]
fn progress_part_way() {
    let course = course(Lang::Rust);
    let p = progress(&[
        ("towel", &["schema-design", "basic-selectors", "update-logic", "type-safety", "extension"]),
        ("babel-fish", &["memoized-selectors", "complex-queries"]),
    ]);
    let p = checked(p, "towel", 26, 26, &[("schema", 2), ("updates", 1)]);
    let p = checked(p, "babel-fish", 14, 25, &[("memo", 4)]);
    let text = terminal::progress(&course, &p, &[("towel".to_string(), 3), ("babel-fish".to_string(), 1)]);
    assert!(!text.contains('\u{1b}'), "colour codes in a snapshot");
    assert_snapshot!("progress-part-way", text);
}

/// `workshop progress` with every level mastered.
#[test]
fn progress_all_mastered() {
    let course = course(Lang::Rust);
    let levels: Vec<(&str, Vec<&str>)> = course
        .levels
        .iter()
        .map(|l| (l.id.as_str(), l.items.iter().filter(|i| !i.bonus).map(|i| i.id.as_str()).collect()))
        .collect();
    let levels: Vec<(&str, &[&str])> = levels.iter().map(|(id, items)| (*id, items.as_slice())).collect();
    let text = terminal::progress(&course, &progress(&levels), &[]);
    assert_snapshot!("progress-all-mastered", text);
}

/// An item mastered without its stress check says so, and says when it is included.
#[test]
fn progress_says_whether_a_stress_check_counted() {
    let course = course(Lang::Rust);
    let level = course.levels.iter().find(|l| l.checks.iter().any(|c| c.stress)).expect("a level with a stress check");
    let stress: Vec<_> = level.checks.iter().filter(|c| c.stress).collect();
    let item = level.items.iter().find(|i| i.id == stress[0].item).unwrap();
    let line = |p: &Progress| {
        let text = terminal::progress(&course, p, &[]);
        text.lines().find(|l| l.contains(&format!("{}: ", item.title))).unwrap().to_string()
    };
    let mut p = progress(&[(level.id.as_str(), &[item.id.as_str()])]);
    assert!(line(&p).contains("without its stress check (`workshop check --stress` adds it)"), "{}", line(&p));
    let entry = p.levels.get_mut(&level.id).unwrap();
    for check in stress.iter().filter(|c| c.item == item.id) {
        entry.stress_passed.insert(check.id.clone(), testdata::EARLIER.to_string());
    }
    assert!(line(&p).contains("stress check included"), "{}", line(&p));
    let text = toml::to_string(&p).unwrap();
    assert_eq!(Progress::parse(&text).unwrap(), p, "stress_passed is saved and read back");
}

/// `workshop progress` in a TypeScript workspace, where levels arrive one by one.
#[test]
fn progress_in_typescript() {
    let course = testdata::typescript(true);
    let p = checked(progress(&[("towel", &["schema-design"])]), "towel", 30, 42, &[("selectors", 1)]);
    assert_snapshot!("progress-typescript", terminal::progress(&course, &p, &[]));
    let course = testdata::typescript(false);
    assert_snapshot!("progress-typescript-nothing-yet", terminal::progress(&course, &Progress::default(), &[]));
}

/// The compact watch screen of `results` (all in, or the first `arrived`).
fn compact(name: &str, results: Vec<crate::grade::verdict::CheckResult>, arrived: usize, status: &str) {
    let course = course(Lang::Rust);
    let level = course.level("towel").unwrap();
    let mut board = screen::Board::new(level, level.checks.iter().filter(|c| !c.stress).collect());
    board.results = results.into_iter().take(arrived).collect();
    let keys = "Watching towel for saves: [c] check now  [h] hint  [r] full report  [q] quit";
    let text = screen::compact(&board, None, status, keys, (100, 40));
    assert!(!text.contains('\u{1b}'), "colour codes in a snapshot");
    assert!(text.lines().count() <= 40, "taller than the terminal:\n{text}");
    assert!(text.lines().all(|l| console::measure_text_width(l) <= 100), "wider than the terminal:\n{text}");
    assert_snapshot!(name, text);
}

fn towel_results(outcome: crate::grade::Grade) -> Vec<crate::grade::verdict::CheckResult> {
    match outcome {
        crate::grade::Grade::Graded(results) => results,
        crate::grade::Grade::BuildFailed(_) => unreachable!("graded"),
    }
}

/// The stub, while its verdicts stream in: items fill in, the first failing
/// item's details and its hint show at once.
#[test]
fn compact_screen_while_verdicts_arrive() {
    let course = course(Lang::Rust);
    let results = towel_results(Results::stub(&course, "towel", &TOWEL_TODOS).grade());
    compact("compact-arriving", results, 6, "running 32 checks · 6 of 38 done, 0 pass");
}

/// Every way a check can end: only the first failing item is detailed.
#[test]
fn compact_screen_of_mixed_results() {
    let course = course(Lang::Rust);
    let results = first_failures(&course).grade();
    compact("compact-mixed", towel_results(results), usize::MAX, "34/38 checks pass · checked in 0.9 s");
}

/// The passing screen is short: the items and the status.
#[test]
fn compact_screen_all_passing() {
    let course = course(Lang::Rust);
    let results = towel_results(Results::passing(&course, "towel").grade());
    compact("compact-passing", results, usize::MAX, "38/38 checks pass · checked in 0.9 s");
}

/// A screen never grows past the terminal: the details are cut, and say where the rest is.
#[test]
fn compact_screen_fits_a_small_terminal() {
    let course = course(Lang::Rust);
    let level = course.level("towel").unwrap();
    let mut board = screen::Board::new(level, level.checks.iter().filter(|c| !c.stress).collect());
    board.results = towel_results(Results::stub(&course, "towel", &TOWEL_TODOS).grade());
    let text = screen::compact(&board, None, "0/38 checks pass", "[q] quit", (60, 16));
    assert_eq!(text.lines().count(), 16, "{text}");
    assert!(text.contains("[r] shows the full report"), "{text}");
    assert!(text.lines().all(|l| console::measure_text_width(l) <= 60), "{text}");
}

/// Each line of a status is cut at the edge on its own: a long "Mastered
/// now" line leaves the reference figures under it on screen.
#[test]
fn compact_screen_cuts_each_status_line_on_its_own() {
    let course = course(Lang::Rust);
    let level = course.level("towel").unwrap();
    let mut board = screen::Board::new(level, level.checks.iter().filter(|c| !c.stress).collect());
    board.results = towel_results(Results::passing(&course, "towel").grade());
    let status = "38/38 checks pass · checked in 0.9 s\n✓ Mastered now: Schema Design, Basic Selectors, Update \
                  Logic, Type Safety, Extension: Post With Author.\nyou against the reference solution: 1.04x";
    let text = screen::compact(&board, None, status, "[q] quit", (80, 40));
    assert!(text.lines().any(|l| l == "you against the reference solution: 1.04x"), "{text}");
    assert!(text.lines().all(|l| console::measure_text_width(l) <= 80), "{text}");
}
