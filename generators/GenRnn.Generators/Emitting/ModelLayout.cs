using System.Collections.Generic;
using System.Linq;
using GenRnn.Cells;
using GenRnn.Generators.Model;

namespace GenRnn.Generators.Emitting;

/// <summary>
/// Offsets of everything a model keeps in flat buffers: parameters (the same layout as GenRnn.ModelDescription.Create),
/// the state, and the per-step record a traced forward pass writes for backward. Each is an <see cref="Offset"/> named
/// after what starts there, which the generated code declares as a constant (ModelEmitter.WriteOffsets) and uses.
/// </summary>
internal sealed class ModelLayout
{
    public ModelLayout(ModelSpec model)
    {
        Model = model;
        int p = 0;
        if (model.HasEmbedding)
        {
            EmbeddingOffset = Name(ParameterOffsets, "EmbeddingWeight", p);
            p += model.Vocabulary * model.EmbeddingDimensions;
        }

        int state = 0, packed = 0;
        int record = InputSize = model.HasEmbedding ? model.EmbeddingDimensions : model.Layers[0].InputSize;
        var layers = new List<LayerLayout>();
        for (int l = 0; l < model.Layers.Count; l++)
        {
            LayerModel m = model.Layers[l];
            int h = m.HiddenSize, gh = m.GateSize;
            string n = "L" + l.ToString(System.Globalization.CultureInfo.InvariantCulture);
            var layer = new LayerLayout(l, m)
            {
                StateH = Name(StateOffsets, n + "StateH", state),
                StateC = m.IsLstm ? Name(StateOffsets, n + "StateC", state + h) : state + h,
                RecordGates = Name(RecordOffsets, n + "RecordGates", record = Aligned(record)),
            };
            foreach (CellTensor t in m.Family.Tensors(m.InputSize, h))
            {
                switch (t.Role)
                {
                    case CellTensorRole.InputWeight:
                        layer.WeightIh = Name(ParameterOffsets, n + "WeightIh", p);
                        break;
                    case CellTensorRole.RecurrentWeight:
                        layer.WeightHh = Name(ParameterOffsets, n + "WeightHh", p);
                        break;
                    case CellTensorRole.InputBias:
                        layer.BiasIh = Name(ParameterOffsets, n + "BiasIh", p);
                        break;
                    case CellTensorRole.RecurrentBias:
                        layer.BiasHh = Name(ParameterOffsets, n + "BiasHh", p);
                        break;
                    case CellTensorRole.Diagonal:
                        // The diagonals are consecutive: the emitter reads the k-th at Peepholes + k * H.
                        layer.Peepholes = layer.Peepholes.Value < 0 ? Name(ParameterOffsets, n + "Peepholes", p) : layer.Peepholes;
                        break;
                    default:
                        throw new System.InvalidOperationException($"GenRnn's layout has no place for a {t.Role} tensor.");
                }

                p += (int)t.Length;
            }

            if (LayerTuning.PacksPairs(m))
            {
                // bfloat16 pairs of rows (GenRnn.BFloat16.PackPairs): N words per two rows of each matrix.
                int packedHh = packed + ((m.InputSize + 1) / 2 * gh);
                layer.PackedIh = Name(PackedOffsets, n + "PackedIh", packed);
                layer.PackedHh = Name(PackedOffsets, n + "PackedHh", packedHh);
                packed = packedHh + ((h + 1) / 2 * gh);
            }

            state += m.StateFloats;
            record += gh;
            if (m.IsLstm)
            {
                layer.RecordC = Name(RecordOffsets, n + "RecordC", record = Aligned(record));
                record += h;
            }

            layer.RecordH = Name(RecordOffsets, n + "RecordH", record = Aligned(record));
            record += h;
            if (m.IsGru)
            {
                // PyTorch GRU: W_hn h + b_hn, later the W_hh n-block's gradient; Cho GRU: r * h_prev.
                layer.RecordAux = Name(RecordOffsets, n + "RecordAux", record = Aligned(record));
                record += h;
            }

            layers.Add(layer);
        }

        Layers = layers;
        if (model.HasHead)
        {
            int bias = p + model.HeadOutputs * model.Layers[model.Layers.Count - 1].HiddenSize;
            HeadWeight = Name(ParameterOffsets, "HeadWeight", p);
            HeadBias = Name(ParameterOffsets, "HeadBias", bias);
            p = bias + model.HeadOutputs;
            RecordOutputValue = record = Aligned(record);
            record += model.HeadOutputs;
        }
        else
        {
            RecordOutputValue = layers[layers.Count - 1].RecordH;
        }

        ParameterCount = p;
        PackedCount = packed;
        StateSize = state;
        StepRecordSize = Aligned(record);
        TraceHeader = Aligned(state);

        // The plan comes after the record (StreamGroup depends on its size) and before the split work buffer (sized by
        // the layers the plan splits).
        Plan = new TuningPlan(model, StepRecordSize);
        foreach (LayerLayout layer in layers)
        {
            layer.Tuning = Plan.Layers[layer.Index];
        }

        SplitState = StepRecordSize;
        SplitHidden = SplitState + Aligned(state);
        SplitWorkSize = SplitHidden + Aligned(layers.Where(l => l.Tuning.Splits && l.Model.IsGru).Select(l => l.Model.GateSize).DefaultIfEmpty(0).Max());
    }

    /// <summary>
    /// Floats in a cache line. Every section of a record starts on one, and records are whole lines, so that in an
    /// aligned buffer the gate accumulators and states take whole Vector512 loads and stores.
    /// </summary>
    public const int LineFloats = 16;

    private static int Aligned(int floats) => (floats + LineFloats - 1) / LineFloats * LineFloats;

    /// <summary>Adds the constant <paramref name="name"/> = <paramref name="value"/> to <paramref name="list"/> and returns it.</summary>
    private static Offset Name(List<(string Name, int Value)> list, string name, int value)
    {
        list.Add((name, value));
        return Offset.Named(name, value);
    }

    /// <summary>The constants naming where each parameter tensor starts in Parameters (and Gradients), in order.</summary>
    public List<(string Name, int Value)> ParameterOffsets { get; } = new();

    /// <summary>The constants naming each layer's parts of the state (h, and c for LSTMs).</summary>
    public List<(string Name, int Value)> StateOffsets { get; } = new();

    /// <summary>The constants naming the sections of a step record (the step's input is at 0; RecordOutput is apart).</summary>
    public List<(string Name, int Value)> RecordOffsets { get; } = new();

    /// <summary>The constants naming where each packed matrix starts in the bfloat16 snapshot's buffer.</summary>
    public List<(string Name, int Value)> PackedOffsets { get; } = new();

    public ModelSpec Model { get; }

    /// <summary>The model's speed decisions.</summary>
    public TuningPlan Plan { get; }

    public IReadOnlyList<LayerLayout> Layers { get; }

    public LayerLayout Top => Layers[Layers.Count - 1];

    /// <summary>Floats per step of a float input (the embedding's dimensions for embedding models).</summary>
    public int InputSize { get; }

    public int OutputSize => Model.HasHead ? Model.HeadOutputs : Top.Model.HiddenSize;

    public int VocabularySize => Model.HasEmbedding ? Model.Vocabulary : InputSize;

    public Offset EmbeddingOffset { get; }

    public Offset HeadWeight { get; }

    public Offset HeadBias { get; }

    public int ParameterCount { get; }

    /// <summary>
    /// The split Step's work buffer (a model field, for both threads to reach): the record at 0 (its input at its
    /// start), then a copy of the state at SplitState, then a GRU's recurrent accumulator at SplitHidden.
    /// </summary>
    public int SplitState { get; }

    public int SplitHidden { get; }

    public int SplitWorkSize { get; }

    /// <summary>32-bit words of the bfloat16 snapshot's packed weight matrices.</summary>
    public int PackedCount { get; }

    public int StateSize { get; }

    public int StepRecordSize { get; }

    /// <summary>Floats before a trace's first record: the initial state, padded to whole cache lines.</summary>
    public int TraceHeader { get; }

    /// <summary>Where a step's output sits in its record, as generated code names it (the constant RecordOutput).</summary>
    public Offset RecordOutput => Offset.Named("RecordOutput", RecordOutputValue.Value);

    /// <summary>What RecordOutput is declared as: the head's outputs (a number), or the top layer's h (its constant).</summary>
    public Offset RecordOutputValue { get; }

    /// <summary>The largest input or hidden size of any layer: a row of the gradients that flow between layers.</summary>
    public int MaxLayerWidth
    {
        get
        {
            int max = 0;
            foreach (LayerLayout l in Layers)
            {
                max = System.Math.Max(max, System.Math.Max(l.Model.InputSize, l.Model.HiddenSize));
            }

            return max;
        }
    }

    /// <summary>Backward's scratch per step in the trace: two rows of gradients flowing between layers.</summary>
    public int WorkspacePerStep => 2 * MaxLayerWidth;

}

/// <summary>Offsets of one layer: its parameters, its part of the state and its part of a step record.</summary>
internal sealed class LayerLayout
{
    public LayerLayout(int index, LayerModel model)
    {
        Index = index;
        Model = model;
    }

    public int Index { get; }

    public LayerModel Model { get; }

    public Offset WeightIh { get; set; }

    public Offset WeightHh { get; set; }

    public Offset BiasIh { get; set; }

    public Offset BiasHh { get; set; }

    /// <summary>Where W_ih's and W_hh's bfloat16 pairs start in the snapshot's packed buffer, or -1 (float weights).</summary>
    public Offset PackedIh { get; set; } = -1;

    public Offset PackedHh { get; set; } = -1;

    /// <summary>The layer's speed decisions (<see cref="TuningPlan.Layers"/>), set once ModelLayout has made the plan.</summary>
    public LayerTuning Tuning { get; set; } = null!;

    public Offset Peepholes { get; set; } = -1;

    public Offset StateH { get; set; }

    public Offset StateC { get; set; }

    public Offset RecordGates { get; set; }

    public Offset RecordC { get; set; } = -1;

    public Offset RecordH { get; set; }

    public Offset RecordAux { get; set; } = -1;
}
