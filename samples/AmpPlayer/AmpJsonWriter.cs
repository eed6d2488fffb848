using System.Text.Json;
using GenRnn;

namespace AmpPlayer;

/// <summary>
/// Writes a model as an Automated-GuitarAmpModelling SimpleRNN JSON file (the format NeuralPi and Proteus load), so
/// that the demo's model goes through the same loader as a downloaded one.
/// </summary>
public static class AmpJsonWriter
{
    /// <summary>
    /// Writes <paramref name="model"/> to <paramref name="path"/> with <c>"skip": <paramref name="skip"/></c>, under a
    /// temporary name renamed over the destination (never half a file).
    /// </summary>
    /// <exception cref="ArgumentException">
    /// The model is not what a SimpleRNN holds (stacked layers of one kind: PyTorch's LSTM, GRU or tanh RNN, and an
    /// identity dense head), or <paramref name="skip"/> is outside 0..min(inputs, outputs).
    /// </exception>
    public static void Write<TModel>(string path, TModel model, int skip) where TModel : class, IRecurrentModel<TModel>
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        ArgumentNullException.ThrowIfNull(model);
        ModelDescription d = TModel.Description;
        CellKind cell = d.Layers[0].Cell;
        string unit = cell switch
        {
            CellKind.Lstm => "LSTM",
            CellKind.Gru => "GRU",
            CellKind.Rnn => "RNN",
            _ => throw new ArgumentException($"{d.Name}'s {cell} layer has no SimpleRNN unit_type (LSTM, GRU or RNN).", nameof(model)),
        };
        if (d.Vocabulary > 0 || d.HeadOutputs == 0 || d.HeadActivation != Activation.Identity
            || d.Layers.Any(l => l.Cell != cell || l.HiddenSize != d.Layers[0].HiddenSize))
        {
            throw new ArgumentException($"{d.Name} is not a SimpleRNN: that is equal layers of one kind over float inputs and a Dense head without activation.", nameof(model));
        }

        int inputs = d.Layers[0].InputSize;
        ArgumentOutOfRangeException.ThrowIfNegative(skip);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(skip, Math.Min(inputs, d.HeadOutputs));

        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = false }))
        {
            json.WriteStartObject();
            json.WriteStartObject("model_data");
            json.WriteString("model", "SimpleRNN");
            json.WriteNumber("input_size", inputs);
            json.WriteNumber("skip", skip);
            json.WriteNumber("output_size", d.HeadOutputs);
            json.WriteString("unit_type", unit);
            json.WriteNumber("num_layers", d.Layers.Count);
            json.WriteNumber("hidden_size", d.Layers[0].HiddenSize);
            json.WriteBoolean("bias_fl", true);
            json.WriteEndObject();
            json.WriteStartObject("state_dict");
            foreach (NamedTensor t in PyTorchLayout.Export(d, model.Parameters))
            {
                // GenRnn's names are nn.LSTM's (weight_ih_l0, ...) and head.*; the file's are rec.* and lin.*.
                json.WritePropertyName(t.Name.StartsWith("head.", StringComparison.Ordinal) ? "lin." + t.Name["head.".Length..] : "rec." + t.Name);
                WriteTensor(json, t);
            }

            json.WriteEndObject();
            json.WriteEndObject();
        }

        string full = Path.GetFullPath(path);
        string temporary = $"{full}.{Guid.NewGuid():N}.tmp";
        try
        {
            File.WriteAllBytes(temporary, buffer.ToArray());
            File.Move(temporary, full, overwrite: true);
        }
        finally
        {
            File.Delete(temporary);
        }
    }

    // PyTorch's Tensor.tolist(): a matrix as a list of rows, a vector as a list.
    private static void WriteTensor(Utf8JsonWriter json, NamedTensor t)
    {
        json.WriteStartArray();
        if (t.Shape.Length == 1)
        {
            foreach (float v in t.Data) json.WriteNumberValue(v);
        }
        else
        {
            int columns = t.Shape[1];
            for (int r = 0; r < t.Shape[0]; r++)
            {
                json.WriteStartArray();
                for (int c = 0; c < columns; c++) json.WriteNumberValue(t.Data[r * columns + c]);
                json.WriteEndArray();
            }
        }

        json.WriteEndArray();
    }
}
