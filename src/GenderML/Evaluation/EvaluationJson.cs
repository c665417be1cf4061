using System.Text;
using System.Text.Json;

namespace GenderML.Evaluation;

/// <summary>
/// Writes an <see cref="EvaluationReport"/> as the JSON object of <c>genderml evaluate --json</c>:
/// <c>{"n", "accuracy", "precision": {"female", "male"}, "recall": {…}, "f1": {…}, "auc", "logLoss", "ece",
/// "eceUncalibrated" (null without a calibration), "confusion": {"tp", "tn", "fp", "fn"}, "positiveClass": "male", "coverage": [{"coverage", "answered",
/// "accuracy", "minConfidence"}], ["abstain": {"low", "high", "answered", "coverage", "accuracy"},] "groups": [{"facet",
/// "groups": [{"group", "n", "accuracy", "accuracyLow", "accuracyHigh", "female", "male", "femaleRecall", "maleRecall"}],
/// "worst", "best", "gap", "gapLow", "gapHigh"}], "skipped": [{"path", "reason"}]}</c>, in that order.
/// </summary>
/// <remarks>
/// Numbers are written invariantly with the shortest text that round-trips a double; an undefined
/// metric (NaN, e.g. the AUC of a one-class set) is written as <c>null</c>. One line, laid out as in the
/// issue's specification: a space after each <c>:</c> and <c>,</c> outside strings.
/// </remarks>
public static class EvaluationJson
{
    /// <summary>The report as one line of JSON: <c>{"n": 4, "accuracy": 0.75, …}</c>.</summary>
    public static string ToJson(EvaluationReport report)
    {
        using var stream = new MemoryStream();
        WriteCompact(report, stream);
        return Spaced(Encoding.UTF8.GetString(stream.ToArray()));
    }

    /// <summary>Writes <see cref="ToJson"/>'s text as UTF-8 to <paramref name="stream"/> (left open).</summary>
    public static void Write(EvaluationReport report, Stream stream)
    {
        ArgumentNullException.ThrowIfNull(stream);
        stream.Write(Encoding.UTF8.GetBytes(ToJson(report)));
    }

    /// <summary>Inserts a space after every ':' and ',' that is not inside a string.</summary>
    internal static string Spaced(string compact)
    {
        var sb = new StringBuilder(compact.Length + compact.Length / 8);
        bool inString = false, escaped = false;
        foreach (char c in compact)
        {
            sb.Append(c);
            if (inString)
            {
                if (escaped) escaped = false;
                else if (c == '\\') escaped = true;
                else if (c == '"') inString = false;
            }
            else if (c == '"') inString = true;
            else if (c is ':' or ',') sb.Append(' ');
        }
        return sb.ToString();
    }

    private static void WriteCompact(EvaluationReport report, Stream stream)
    {
        ArgumentNullException.ThrowIfNull(report);
        ArgumentNullException.ThrowIfNull(stream);
        using var w = new Utf8JsonWriter(stream);
        var c = report.Classification;
        w.WriteStartObject();
        w.WriteNumber("n", report.N);
        Number(w, "accuracy", report.Accuracy);
        PerClass(w, "precision", c.Female.Precision, c.Male.Precision);
        PerClass(w, "recall", c.Female.Recall, c.Male.Recall);
        PerClass(w, "f1", c.Female.F1, c.Male.F1);
        Number(w, "auc", report.RocAuc);
        Number(w, "logLoss", report.LogLoss);
        Number(w, "ece", report.ExpectedCalibrationError);
        Number(w, "eceUncalibrated", report.UncalibratedExpectedCalibrationError ?? double.NaN);
        w.WriteStartObject("confusion");
        w.WriteNumber("tp", report.Confusion.TruePositives);
        w.WriteNumber("tn", report.Confusion.TrueNegatives);
        w.WriteNumber("fp", report.Confusion.FalsePositives);
        w.WriteNumber("fn", report.Confusion.FalseNegatives);
        w.WriteEndObject();
        w.WriteString("positiveClass", "male");
        w.WriteStartArray("coverage");
        foreach (var point in report.Coverage)
        {
            w.WriteStartObject();
            Number(w, "coverage", point.Coverage);
            w.WriteNumber("answered", point.Answered);
            Number(w, "accuracy", point.Accuracy);
            Number(w, "minConfidence", point.MinConfidence);
            w.WriteEndObject();
        }
        w.WriteEndArray();
        if (report.Abstention is { } a)
        {
            w.WriteStartObject("abstain");
            Number(w, "low", a.Band.Lower);
            Number(w, "high", a.Band.Upper);
            w.WriteNumber("answered", a.Answered);
            Number(w, "coverage", a.Coverage);
            Number(w, "accuracy", a.Accuracy);
            w.WriteEndObject();
        }
        w.WriteStartArray("groups");
        foreach (var b in report.Groups) WriteBreakdown(w, b);
        w.WriteEndArray();
        w.WriteStartArray("skipped");
        foreach (var s in report.Skipped)
        {
            w.WriteStartObject();
            w.WriteString("path", s.Path);
            w.WriteString("reason", s.Reason);
            w.WriteEndObject();
        }
        w.WriteEndArray();
        w.WriteEndObject();
    }

    private static void WriteBreakdown(Utf8JsonWriter w, GroupBreakdown b)
    {
        w.WriteStartObject();
        w.WriteString("facet", b.Facet);
        w.WriteStartArray("groups");
        foreach (var g in b.Groups)
        {
            w.WriteStartObject();
            w.WriteString("group", g.Group);
            w.WriteNumber("n", g.Count);
            Number(w, "accuracy", g.Accuracy);
            Number(w, "accuracyLow", g.AccuracyLow);
            Number(w, "accuracyHigh", g.AccuracyHigh);
            w.WriteNumber("female", g.Female);
            w.WriteNumber("male", g.Male);
            Number(w, "femaleRecall", g.FemaleRecall ?? double.NaN);
            Number(w, "maleRecall", g.MaleRecall ?? double.NaN);
            w.WriteEndObject();
        }
        w.WriteEndArray();
        if (b.Worst is null) w.WriteNull("worst"); else w.WriteString("worst", b.Worst);
        if (b.Best is null) w.WriteNull("best"); else w.WriteString("best", b.Best);
        Number(w, "gap", b.Gap ?? double.NaN);
        Number(w, "gapLow", b.GapLow ?? double.NaN);
        Number(w, "gapHigh", b.GapHigh ?? double.NaN);
        w.WriteEndObject();
    }

    private static void PerClass(Utf8JsonWriter w, string name, double female, double male)
    {
        w.WriteStartObject(name);
        Number(w, "female", female);
        Number(w, "male", male);
        w.WriteEndObject();
    }

    internal static void Number(Utf8JsonWriter w, string name, double value)
    {
        if (double.IsFinite(value)) w.WriteNumber(name, value);
        else w.WriteNull(name);
    }
}
