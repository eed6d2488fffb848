using System.Globalization;

namespace GenRnn.Samples;

/// <summary>
/// The samples' one small command-line parser (linked into each sample): options are declared with their default
/// and help, then <see cref="Parse"/> prints usage for <c>--help</c> (exit code 0) or a one-line error on stderr
/// for an unknown option or a bad value (exit code 2), before any work starts.
/// </summary>
internal sealed class SampleArguments(string sample, string summary)
{
    private readonly List<Spec> _specs = [];
    private readonly List<string> _notes = [];

    /// <summary>A declared option; <see cref="Value"/> holds the default until <see cref="Parse"/> reads the command line.</summary>
    public sealed class Option<T>(T value)
    {
        public T Value { get; internal set; } = value;

        public bool IsSet { get; internal set; }
    }

    private sealed record Spec(string Name, string? Meta, string Help, Action<string> Read, Action Set);

    /// <summary>A line added after the options in the usage text.</summary>
    public void Note(string line) => _notes.Add(line);

    public Option<bool> Flag(string name, string help)
    {
        var option = new Option<bool>(false);
        _specs.Add(new Spec(name, null, help, _ => { }, () => { option.Value = true; option.IsSet = true; }));
        return option;
    }

    public Option<int> Int(string name, int defaultValue, string help, int min = 0, int max = int.MaxValue)
    {
        var option = new Option<int>(defaultValue);
        _specs.Add(new Spec(name, "N", $"{help} (default {defaultValue}; {min}..{max})", text =>
        {
            if (!int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out int value)) throw new UsageException($"{name} needs a whole number, not '{text}'");
            if (value < min || value > max) throw new UsageException($"{name} must be between {min} and {max}, not {value}");
            option.Value = value;
            option.IsSet = true;
        }, () => { }));
        return option;
    }

    public Option<double> Number(string name, string meta, double defaultValue, string help, double min, double max)
    {
        var option = new Option<double>(defaultValue);
        _specs.Add(new Spec(name, meta, $"{help} (default {defaultValue.ToString(CultureInfo.InvariantCulture)}; {min.ToString(CultureInfo.InvariantCulture)}..{max.ToString(CultureInfo.InvariantCulture)})", text =>
        {
            if (!double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out double value) || !double.IsFinite(value)) throw new UsageException($"{name} needs a number, not '{text}'");
            if (value < min || value > max) throw new UsageException($"{name} must be between {min.ToString(CultureInfo.InvariantCulture)} and {max.ToString(CultureInfo.InvariantCulture)}, not {text}");
            option.Value = value;
            option.IsSet = true;
        }, () => { }));
        return option;
    }

    /// <summary>A text option; <paramref name="check"/> returns an error message for a bad value, or null.</summary>
    public Option<string?> Text(string name, string meta, string? defaultValue, string help, Func<string, string?>? check = null)
    {
        var option = new Option<string?>(defaultValue);
        _specs.Add(new Spec(name, meta, help, text =>
        {
            if (check?.Invoke(text) is { } error) throw new UsageException($"{name}: {error}");
            option.Value = text;
            option.IsSet = true;
        }, () => { }));
        return option;
    }

    /// <summary>A check for <see cref="Text"/>: every comma-separated path must be an existing file.</summary>
    public static string? ExistingFiles(string text) =>
        text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries) is { Length: > 0 } paths
            ? paths.FirstOrDefault(p => !File.Exists(p)) is { } missing ? $"no such file '{missing}'" : null
            : "needs a file name";

    /// <summary>A check for <see cref="Text"/>: the value must be one of <paramref name="choices"/>.</summary>
    public static Func<string, string?> OneOf(params string[] choices) =>
        text => choices.Contains(text) ? null : $"'{text}' is not one of {string.Join(", ", choices)}";

    /// <summary>Null to go on; otherwise the exit code to return at once (0 after --help, 2 after an error).</summary>
    public int? Parse(string[] args)
    {
        if (args.Contains("--help") || args.Contains("-h"))
        {
            Console.Out.Write(Usage());
            return 0;
        }

        try
        {
            for (int i = 0; i < args.Length; i++)
            {
                Spec spec = _specs.Find(s => s.Name == args[i]) ?? throw new UsageException($"unknown option '{args[i]}'");
                if (spec.Meta is null)
                {
                    spec.Set();
                    continue;
                }

                if (i + 1 >= args.Length) throw new UsageException($"{spec.Name} needs a value ({spec.Meta})");
                spec.Read(args[++i]);
            }
        }
        catch (UsageException e)
        {
            Console.Error.WriteLine($"{sample}: {e.Message} (try --help)");
            return 2;
        }

        return null;
    }

    /// <summary>Reports a problem found after parsing (a value that depends on another) as Parse does: returns 2.</summary>
    public int Fail(string message)
    {
        Console.Error.WriteLine($"{sample}: {message} (try --help)");
        return 2;
    }

    public string Usage()
    {
        var text = new System.Text.StringBuilder();
        text.AppendLine($"Usage: dotnet run -c Release --project samples/{sample} -- [options]");
        text.AppendLine(summary);
        text.AppendLine();
        text.AppendLine("Options:");
        var names = _specs.Select(s => s.Meta is null ? s.Name : $"{s.Name} {s.Meta}").Append("--help").ToList();
        int width = names.Max(n => n.Length) + 2;
        for (int i = 0; i < _specs.Count; i++)
        {
            text.AppendLine($"  {names[i].PadRight(width)}{_specs[i].Help}");
        }

        text.AppendLine($"  {"--help".PadRight(width)}print this and exit");
        foreach (string note in _notes)
        {
            text.AppendLine(note);
        }

        return text.ToString();
    }

    private sealed class UsageException(string message) : Exception(message);
}
