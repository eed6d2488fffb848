namespace GenRnn;

/// <summary>
/// Moves parameters between a generated model's flat buffer and named tensors in PyTorch's layout, strictly:
/// every tensor of the model must be given once with its exact shape, and nothing else may be given.
/// </summary>
/// <remarks>
/// <see cref="Export"/> and <see cref="Import"/> are mirror images for every prefix: <c>Import(d, Export(d, p, prefix),
/// q, prefix)</c> makes <c>q</c> equal <c>p</c>, whatever the prefix (<c>""</c>, <c>"lstm."</c>, <c>"lstm"</c>,
/// <c>"model.rnn."</c>, <c>"head."</c>, ...). The prefix is put before every name exactly as given (PyTorch's
/// prefixes end with a dot: <c>"lstm."</c>). Import also takes PyTorch's own layout, where only the recurrent module's
/// tensors carry the prefix and <c>embedding.weight</c>, <c>head.weight</c> and <c>head.bias</c> do not (what
/// <see cref="Interop.SafeTensors.Save{TModel}"/> writes with a <c>recurrentPrefix</c>).
/// </remarks>
public static class PyTorchLayout
{
    /// <summary>Writes <paramref name="tensors"/> into <paramref name="destination"/>; validates everything before writing anything.</summary>
    /// <param name="description">The model's description.</param>
    /// <param name="tensors">The tensors to load.</param>
    /// <param name="destination">The model's parameter buffer.</param>
    /// <param name="prefix">
    /// A module prefix the names carry (e.g. <c>lstm.</c>), or empty. A name is the model's tensor <c>n</c> when it is
    /// <c>prefix + n</c> (as <see cref="Export"/> with the same prefix writes it) or, failing that, <c>n</c> itself
    /// (PyTorch's <c>head.weight</c> beside <c>lstm.weight_ih_l0</c>); the two forms of one tensor may not both be given.
    /// </param>
    /// <exception cref="ArgumentException">
    /// A tensor is missing, unused, repeated or mis-shaped, holds a NaN or an infinity, or it or its name, shape or
    /// data is null.
    /// </exception>
    public static void Import(ModelDescription description, IEnumerable<NamedTensor> tensors, Span<float> destination, string prefix = "")
    {
        ArgumentNullException.ThrowIfNull(description);
        ArgumentNullException.ThrowIfNull(tensors);
        ArgumentNullException.ThrowIfNull(prefix);
        if (destination.Length != description.ParameterCount)
        {
            throw new ArgumentException($"Expected a buffer of {description.ParameterCount} floats, got {destination.Length}.", nameof(destination));
        }

        var byName = new Dictionary<string, NamedTensor>(StringComparer.Ordinal);
        var errors = new List<string>();
        int index = 0;
        foreach (NamedTensor t in tensors)
        {
            ArgumentNullException.ThrowIfNull(t, nameof(tensors));
            CheckNotNull(t, index++, description);
            string? name = Resolve(description, t.Name, prefix);
            if (name is null)
            {
                errors.Add($"unused tensor '{t.Name}' {t.ShapeText}: {description.Name} has no parameter of that name");
            }
            else if (!byName.TryAdd(name, t))
            {
                errors.Add($"tensor '{t.Name}' is given twice");
            }
        }

        foreach (ParameterTensor p in description.Tensors)
        {
            if (!byName.TryGetValue(p.Name, out NamedTensor? t))
            {
                errors.Add($"missing tensor '{prefix}{p.Name}' {p.ShapeText}");
            }
            else if (!t.Shape.AsSpan().SequenceEqual(p.Shape))
            {
                errors.Add($"tensor '{t.Name}' has shape {t.ShapeText}, expected {p.ShapeText}");
            }
            else if (t.Data.Length != p.Length)
            {
                errors.Add($"tensor '{t.Name}' holds {t.Data.Length} values, its shape {t.ShapeText} needs {p.Length}");
            }
            else if (NonFinite.IndexOf(t.Data) is >= 0 and int bad)
            {
                errors.Add($"tensor '{t.Name}' holds a non-finite value ({t.Data[bad]} at flat index {bad}); weights must be finite");
            }
        }

        if (errors.Count > 0)
        {
            throw new ArgumentException($"Cannot load parameters into {description.Name}: " + string.Join("; ", errors) + ".", nameof(tensors));
        }

        foreach (ParameterTensor p in description.Tensors)
        {
            float[] data = byName[p.Name].Data;
            for (int i = 0; i < data.Length; i++)
            {
                destination[p.FlatIndex(i)] = data[i];
            }
        }
    }

    /// <summary>
    /// The model's tensor a given name stands for: prefix + n first, then n. Matching whole names (rather than
    /// stripping the prefix from any name that starts with it) keeps a bare <c>head.weight</c> when the prefix is
    /// <c>head.</c>, <c>h</c> or <c>e</c>. No name can be both (no tensor name ends with another), so the order only
    /// documents intent.
    /// </summary>
    private static string? Resolve(ModelDescription description, string name, string prefix)
    {
        if (name.StartsWith(prefix, StringComparison.Ordinal) && description.Find(name[prefix.Length..]) is { } prefixed)
        {
            return prefixed.Name;
        }

        return description.Find(name)?.Name;
    }

    // A record's properties may still be null (a deserializer, or null! in a caller); name the tensor rather than
    // throwing a NullReferenceException from the checks below.
    private static void CheckNotNull(NamedTensor t, int index, ModelDescription description)
    {
        if (t.Name is not null && t.Shape is not null && t.Data is not null)
        {
            return;
        }

        string which = t.Name is null ? $"tensor {index} (counting from 0)" : $"tensor '{t.Name}'";
        string[] nulls = [.. new[] { ("name", t.Name is null), ("shape", t.Shape is null), ("data", t.Data is null) }.Where(x => x.Item2).Select(x => x.Item1)];
        throw new ArgumentException($"Cannot load parameters into {description.Name}: {which} has a null {string.Join(" and ", nulls)}.", "tensors");
    }

    /// <summary>Reads every tensor of the model out of <paramref name="source"/> in PyTorch's layout.</summary>
    /// <param name="description">The model's description.</param>
    /// <param name="source">The model's parameter (or gradient) buffer.</param>
    /// <param name="prefix">
    /// A prefix to put before every name, exactly as given (<c>lstm.</c> gives <c>lstm.weight_ih_l0</c> and
    /// <c>lstm.head.weight</c>), or empty; <see cref="Import"/> with the same prefix reads the tensors back.
    /// </param>
    public static List<NamedTensor> Export(ModelDescription description, ReadOnlySpan<float> source, string prefix = "")
    {
        ArgumentNullException.ThrowIfNull(description);
        ArgumentNullException.ThrowIfNull(prefix);
        if (source.Length != description.ParameterCount)
        {
            throw new ArgumentException($"Expected a buffer of {description.ParameterCount} floats, got {source.Length}.", nameof(source));
        }

        var result = new List<NamedTensor>(description.Tensors.Count);
        foreach (ParameterTensor p in description.Tensors)
        {
            var data = new float[p.Length];
            for (int i = 0; i < data.Length; i++)
            {
                data[i] = source[p.FlatIndex(i)];
            }

            result.Add(new NamedTensor(prefix + p.Name, (int[])p.Shape.Clone(), data));
        }

        return result;
    }
}
