use super::*;
use crate::testing::{check_detect_only_go, check_no_fix_go};

fn slog_loop(call: &str) -> String {
    format!(
        "package m\n\nimport (\n\t\"context\"\n\t\"log/slog\"\n)\n\nvar _ = context.Background\n\nfunc f(ctx context.Context, names []string, logger *slog.Logger) {{\n\tfor i, n := range names {{\n\t\tsize := len(n)\n\t\t_, _, _ = i, size, ctx\n\t\t{call}\n\t}}\n}}\n"
    )
}

#[test]
fn slog_values_of_visible_scalar_type_fire() {
    for call in [
        "slog.Info(\"item\", \"size\", size)",
        "slog.InfoContext(ctx, \"item\", \"n\", len(n)*2)",
        "logger.Warn(\"item\", \"id\", int64(size))",
        "logger.With(\"k\", 1).Debug(\"x\", slog.Int(\"a\", 1), \"size\", size)",
        "slog.Log(ctx, slog.LevelInfo, \"item\", \"n\", len(n))",
    ] {
        let msgs = check_detect_only_go(&TRANSFORM, "1.22", &slog_loop(call));
        assert!(msgs[0].contains("LogAttrs"), "{call}: {msgs:?}");
    }
}

#[test]
fn constants_attrs_unknown_types_and_log_attrs_do_not() {
    for call in [
        "slog.Info(\"item\", \"kind\", \"file\", \"n\", 3)",
        "slog.Info(\"item\", slog.Int(\"size\", size))",
        "slog.Info(\"item\", \"name\", n)",
        "logger.LogAttrs(ctx, slog.LevelInfo, \"item\", slog.Int(\"size\", size))",
        "slog.Info(\"item\", \"err\", ctx.Err())",
    ] {
        check_no_fix_go(&TRANSFORM, "1.22", &slog_loop(call));
    }
    // Outside a loop, and in a function literal inside the loop.
    check_no_fix_go(
        &TRANSFORM,
        "1.22",
        "package m\n\nimport \"log/slog\"\n\nfunc f(xs []int) {\n\tn := len(xs)\n\tslog.Info(\"start\", \"n\", n)\n\tfor range xs {\n\t\tgo func() { slog.Info(\"x\", \"n\", n) }()\n\t}\n}\n",
    );
}

#[test]
fn zap_sugar_and_logrus_fields() {
    let zap = "package m\n\nimport \"go.uber.org/zap\"\n\nfunc f(l *zap.Logger, rows []string) {\n\ts := l.Sugar()\n\tfor i := range len(rows) {\n\t\ts.Infow(\"row\", \"i\", i)\n\t}\n}\n";
    let msgs = check_detect_only_go(&TRANSFORM, "1.22", zap);
    assert!(msgs[0].contains("zap.Int"), "{msgs:?}");
    // The typed zap logger is not reported.
    check_no_fix_go(
        &TRANSFORM,
        "1.22",
        &zap.replace(
            "s.Infow(\"row\", \"i\", i)",
            "l.Info(\"row\", zap.Int(\"i\", i))",
        ),
    );
    let logrus = "package m\n\nimport log \"github.com/sirupsen/logrus\"\n\nfunc f(jobs []string) {\n\tfor i, j := range jobs {\n\t\tlog.WithFields(log.Fields{\"job\": j, \"attempt\": i + 1}).Info(\"run\")\n\t}\n}\n";
    let msgs = check_detect_only_go(&TRANSFORM, "1.21", logrus);
    assert!(msgs[0].contains("slog"), "{msgs:?}");
    let msgs = check_detect_only_go(&TRANSFORM, "1.20", logrus);
    assert!(!msgs[0].contains("slog"), "{msgs:?}");
}
