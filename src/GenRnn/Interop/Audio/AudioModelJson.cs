using System.Text.Json;

namespace GenRnn.Interop.Audio;

/// <summary>
/// Loads the JSON model files the guitar-amp world shares into a generated model whose declaration matches the file,
/// strictly: the file's layers, sizes and head must be exactly those of <c>TModel.Description</c> (otherwise the
/// <see cref="InvalidDataException"/> names the declaration the file needs), every weight must be there with its
/// exact shape and finite, and the model is unchanged on any failure (the weights go through
/// <see cref="PyTorchLayout.Import"/>, which checks everything before writing anything).
/// </summary>
/// <remarks>
/// Two formats: <see cref="LoadAutomatedGuitarAmp{TModel}"/> reads the <c>SimpleRNN</c> files of
/// Automated-GuitarAmpModelling (CoreAudioML's <c>SimpleRNN.save_model</c>; NeuralPi, Proteus), and
/// <see cref="LoadRtNeural{TModel}"/> reads RTNeural's Keras-style JSON (AIDA-X, RTNeural's <c>save_model</c>).
/// docs/interop.md describes both.
/// </remarks>
public static partial class AudioModelJson
{
    /// <summary>
    /// The layer attributes (without brackets, "Lstm(1, 32)", "Dense(1)") of the model a file of either format holds,
    /// read from the file's description of itself (Automated-GuitarAmpModelling's model_data, RTNeural's layers).
    /// </summary>
    /// <exception cref="InvalidDataException">The file is malformed or in neither format.</exception>
    internal static IReadOnlyList<string> Attributes(string path)
    {
        using JsonDocument document = AudioJson.Parse(path);
        JsonElement root = document.RootElement;
        AudioModelShape shape = root.ValueKind == JsonValueKind.Object && root.TryGetProperty("model_data", out _)
            ? AutomatedGuitarAmpHeader(root, path).Shape
            : root.ValueKind == JsonValueKind.Object && root.TryGetProperty("layers", out _)
                ? RtNeuralShape(root, path)
                : throw new InvalidDataException($"'{path}' is neither an Automated-GuitarAmpModelling model (model_data) nor an RTNeural model (layers).");
        return [.. shape.Attributes()];
    }

    private static void CheckArguments(string path, object model)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        ArgumentNullException.ThrowIfNull(model);
    }

    // The buffer overloads' checks, before the file is read.
    private static void CheckArguments(string path, ModelDescription description, int parameters)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        ArgumentNullException.ThrowIfNull(description);
        if (parameters != description.ParameterCount)
        {
            throw new ArgumentException($"Expected a buffer of {description.ParameterCount} floats, got {parameters}.", nameof(parameters));
        }
    }

    // Loads tensors in PyTorch's layout into the buffer; Import's ArgumentException (missing, mis-shaped, non-finite)
    // becomes the InvalidDataException a bad file gives.
    private static void Import(ModelDescription description, IEnumerable<NamedTensor> tensors, Span<float> parameters, string path, Func<string, string>? rename = null)
    {
        try
        {
            PyTorchLayout.Import(description, tensors, parameters);
        }
        catch (ArgumentException e)
        {
            string reason = SafeTensors.Reason(e);
            throw new InvalidDataException($"'{path}' does not fit {description.Name}: {(rename is null ? reason : rename(reason))}", e);
        }
    }
}
