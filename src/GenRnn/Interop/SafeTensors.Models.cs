namespace GenRnn.Interop;

// Generated models' parameters to and from safetensors files by their PyTorch names (PyTorchLayout maps the names).
public static partial class SafeTensors
{
    /// <summary>
    /// Saves a generated model's parameters as a safetensors file with PyTorch's names and layout (F32).
    /// </summary>
    /// <typeparam name="TModel">The model's type.</typeparam>
    /// <param name="path">The file to write; replaced if it exists.</param>
    /// <param name="model">The model.</param>
    /// <param name="recurrentPrefix">
    /// A prefix for the recurrent layers' tensors only, the name of the <c>nn.LSTM</c> (<c>nn.GRU</c>, <c>nn.RNN</c>)
    /// attribute of the PyTorch module followed by a dot, e.g. <c>lstm.</c>; <c>embedding.weight</c>,
    /// <c>head.weight</c> and <c>head.bias</c> keep their names, as PyTorch names the modules beside it. Empty for none.
    /// </param>
    /// <param name="metadata">String pairs for the header's <c>__metadata__</c>, or null for none.</param>
    /// <exception cref="IOException">The file cannot be written.</exception>
    public static void Save<TModel>(string path, TModel model, string recurrentPrefix = "", IReadOnlyDictionary<string, string>? metadata = null)
        where TModel : class, IRecurrentModel<TModel>
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        ArgumentNullException.ThrowIfNull(model);
        Save(path, TModel.Description, model.Parameters, recurrentPrefix, metadata);
    }

    /// <summary>Saves a parameter buffer laid out as <paramref name="description"/> says as a safetensors file (F32).</summary>
    /// <param name="path">The file to write; replaced if it exists.</param>
    /// <param name="description">The model's description.</param>
    /// <param name="parameters">The model's parameter buffer.</param>
    /// <param name="recurrentPrefix">A prefix for the recurrent layers' tensors only (see <see cref="Save{TModel}"/>), or empty.</param>
    /// <param name="metadata">String pairs for the header's <c>__metadata__</c>, or null for none.</param>
    /// <exception cref="ArgumentException"><paramref name="parameters"/> is not of the model's parameter count.</exception>
    /// <exception cref="IOException">The file cannot be written.</exception>
    public static void Save(string path, ModelDescription description, ReadOnlySpan<float> parameters, string recurrentPrefix = "", IReadOnlyDictionary<string, string>? metadata = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        ArgumentNullException.ThrowIfNull(description);
        ArgumentNullException.ThrowIfNull(recurrentPrefix);
        List<NamedTensor> tensors = PyTorchLayout.Export(description, parameters);
        Write(path, WithRecurrentPrefix(tensors, recurrentPrefix), metadata);
    }

    /// <summary>
    /// Loads a safetensors file into a generated model, strictly: every parameter tensor must be in the file once,
    /// with its exact shape, and the file must hold nothing else. The model is unchanged when anything is wrong.
    /// </summary>
    /// <typeparam name="TModel">The model's type.</typeparam>
    /// <param name="path">The file.</param>
    /// <param name="model">The model that receives the parameters.</param>
    /// <param name="prefix">
    /// A module prefix that names may carry, e.g. <c>lstm.</c>: a name is the prefix followed by a tensor's name or,
    /// failing that, the tensor's name alone, so <c>lstm.weight_ih_l0</c> and <c>head.weight</c> (or
    /// <c>lstm.head.weight</c>) load. A file written by <see cref="Save{TModel}"/> with <c>recurrentPrefix</c> p loads
    /// with prefix p, for every p (see <see cref="PyTorchLayout.Import"/>). Empty for none.
    /// </param>
    /// <exception cref="InvalidDataException">The file is malformed, or a tensor is missing, unused, repeated, mis-shaped or holds a NaN or an infinity (each is named).</exception>
    /// <exception cref="NotSupportedException">A tensor has a dtype other than F32, F16, BF16 or F64.</exception>
    /// <exception cref="IOException">The file cannot be read.</exception>
    public static void Load<TModel>(string path, TModel model, string prefix = "")
        where TModel : class, IRecurrentModel<TModel>
    {
        ArgumentNullException.ThrowIfNull(model);
        Load(path, TModel.Description, model.Parameters, prefix);
    }

    /// <summary>
    /// Loads a safetensors file into a parameter buffer laid out as <paramref name="description"/> says, strictly
    /// (see <see cref="Load{TModel}(string, TModel, string)"/>). The buffer is unchanged when anything is wrong.
    /// </summary>
    /// <param name="path">The file.</param>
    /// <param name="description">The model's description.</param>
    /// <param name="parameters">The model's parameter buffer.</param>
    /// <param name="prefix">A module prefix that names may carry, or empty.</param>
    /// <exception cref="ArgumentException"><paramref name="parameters"/> is not of the model's parameter count.</exception>
    /// <exception cref="InvalidDataException">The file is malformed, does not fit the model, or holds a NaN or an infinity.</exception>
    /// <exception cref="NotSupportedException">A tensor has a dtype other than F32, F16, BF16 or F64.</exception>
    /// <exception cref="IOException">The file cannot be read.</exception>
    public static void Load(string path, ModelDescription description, Span<float> parameters, string prefix = "")
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        ArgumentNullException.ThrowIfNull(description);
        ArgumentNullException.ThrowIfNull(prefix);
        if (parameters.Length != description.ParameterCount)
        {
            throw new ArgumentException($"Expected a buffer of {description.ParameterCount} floats, got {parameters.Length}.", nameof(parameters));
        }

        SafeTensorsContent content = Read(path);
        try
        {
            PyTorchLayout.Import(description, content.Tensors, parameters, prefix); // checks everything before writing
        }
        catch (ArgumentException e)
        {
            throw new InvalidDataException($"'{path}' does not fit {description.Name}: {Reason(e)}", e);
        }
    }

    /// <summary>The model's tensors with <paramref name="recurrentPrefix"/> before the recurrent layers' names.</summary>
    internal static IEnumerable<NamedTensor> WithRecurrentPrefix(IEnumerable<NamedTensor> tensors, string recurrentPrefix)
    {
        foreach (NamedTensor t in tensors)
        {
            bool module = t.Name.StartsWith("embedding.", StringComparison.Ordinal) || t.Name.StartsWith("head.", StringComparison.Ordinal);
            yield return module || recurrentPrefix.Length == 0 ? t : t with { Name = recurrentPrefix + t.Name };
        }
    }

    // Import's message without the "(Parameter 'tensors')" suffix ArgumentException appends.
    internal static string Reason(ArgumentException e)
    {
        string message = e.Message;
        int cut = e.ParamName is null ? -1 : message.LastIndexOf(" (Parameter '", StringComparison.Ordinal);
        return cut > 0 ? message[..cut] : message;
    }
}
