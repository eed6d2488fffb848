using System.Text.Json;
using GenRnn;
using GenRnn.Interop.Audio;

namespace AmpPlayer;

/// <summary>The two JSON formats of guitar-amp models that <see cref="AmpModelFile.Load{TModel}"/> tells apart.</summary>
public enum AmpModelFormat
{
    /// <summary>Automated-GuitarAmpModelling's SimpleRNN (NeuralPi, Proteus): <c>model_data</c> and <c>state_dict</c>.</summary>
    AutomatedGuitarAmp,

    /// <summary>RTNeural's Keras-style model (AIDA-X): <c>in_shape</c> and <c>layers</c>.</summary>
    RtNeural,
}

/// <summary>Loads an amp model file of either format, found by its top-level members, through GenRnn's strict loaders.</summary>
public static class AmpModelFile
{
    /// <summary>Loads <paramref name="path"/> into <paramref name="model"/>.</summary>
    /// <returns>
    /// The format, and the number of input channels the file's network adds to its output (Automated-GuitarAmpModelling's
    /// <c>skip</c>: 1 in NeuralPi's and Proteus's models, the amp learning only the difference; RTNeural files have none).
    /// </returns>
    /// <exception cref="InvalidDataException">The file is in neither format, or does not fit the model (the message names the declaration it needs).</exception>
    /// <exception cref="IOException">The file cannot be read.</exception>
    public static (AmpModelFormat Format, int Skip) Load<TModel>(string path, TModel model) where TModel : class, IRecurrentModel<TModel>
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        ArgumentNullException.ThrowIfNull(model);
        AmpModelFormat format = Detect(path);
        int skip = format == AmpModelFormat.AutomatedGuitarAmp
            ? AudioModelJson.LoadAutomatedGuitarAmp(path, model)
            : LoadRtNeural(path, model);
        return (format, skip);
    }

    private static int LoadRtNeural<TModel>(string path, TModel model) where TModel : class, IRecurrentModel<TModel>
    {
        AudioModelJson.LoadRtNeural(path, model);
        return 0;
    }

    // Only the top level is looked at here; the loader reads and checks the whole file.
    private static AmpModelFormat Detect(string path)
    {
        try
        {
            using FileStream stream = File.OpenRead(path);
            using JsonDocument document = JsonDocument.Parse(stream);
            JsonElement root = document.RootElement;
            if (root.ValueKind == JsonValueKind.Object && root.TryGetProperty("model_data", out _)) return AmpModelFormat.AutomatedGuitarAmp;
            if (root.ValueKind == JsonValueKind.Object && root.TryGetProperty("layers", out _)) return AmpModelFormat.RtNeural;
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"'{path}' is not valid JSON: {e.Message}", e);
        }

        throw new InvalidDataException($"'{path}' is neither an Automated-GuitarAmpModelling model (model_data) nor an RTNeural model (layers).");
    }
}
