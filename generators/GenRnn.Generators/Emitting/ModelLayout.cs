using System.Collections.Generic;
using System.Linq;
using GenRnn.Cells;
using GenRnn.Generators.Model;

namespace GenRnn.Generators.Emitting;

/// <summary>
/// Offsets of everything a model keeps in flat buffers: parameters (the same layout as GenRnn.ModelDescription.Create),
/// the state, and the per-step record a traced forward pass writes for backward.
/// </summary>
internal sealed class ModelLayout
{
    public ModelLayout(ModelSpec model)
    {
        Model = model;
        int p = 0;
        if (model.HasEmbedding)
        {
            EmbeddingOffset = p;
            p += model.Vocabulary * model.EmbeddingDimensions;
        }

        int state = 0, packed = 0;
        int record = InputSize = model.HasEmbedding ? model.EmbeddingDimensions : model.Layers[0].InputSize;
        var layers = new List<LayerLayout>();
        for (int l = 0; l < model.Layers.Count; l++)
        {
            LayerModel m = model.Layers[l];
            int h = m.HiddenSize, gh = m.GateSize;
            var layer = new LayerLayout(l, m)
            {
                StateH = state,
                StateC = state + h,
                RecordGates = record = Aligned(record),
            };
            foreach (CellTensor t in m.Family.Tensors(m.InputSize, h))
            {
                switch (t.Role)
                {
                    case CellTensorRole.InputWeight:
                        layer.WeightIh = p;
                        break;
                    case CellTensorRole.RecurrentWeight:
                        layer.WeightHh = p;
                        break;
                    case CellTensorRole.InputBias:
                        layer.BiasIh = p;
                        break;
                    case CellTensorRole.RecurrentBias:
                        layer.BiasHh = p;
                        break;
                    case CellTensorRole.Diagonal:
                        // The diagonals are consecutive: the emitter reads the k-th at Peepholes + k * H.
                        layer.Peepholes = layer.Peepholes < 0 ? p : layer.Peepholes;
                        break;
                    default:
                        throw new System.InvalidOperationException($"GenRnn's layout has no place for a {t.Role} tensor.");
                }

                p += (int)t.Length;
            }

            if (!m.Family.RecurrentWaitsForReset)
            {
                // bfloat16 pairs of rows (GenRnn.BFloat16.PackPairs): N words per two rows of each matrix. The
                // reset-before GRU multiplies part of W_hh by r * h, outside the Affine kernel: it keeps float weights.
                layer.PackedIh = packed;
                layer.PackedHh = packed + ((m.InputSize + 1) / 2 * gh);
                packed = layer.PackedHh + ((h + 1) / 2 * gh);
            }

            state += m.StateFloats;
            record += gh;
            if (m.IsLstm)
            {
                layer.RecordC = record = Aligned(record);
                record += h;
            }

            layer.RecordH = record = Aligned(record);
            record += h;
            if (m.IsGru)
            {
                // PyTorch GRU: W_hn h + b_hn, later the W_hh n-block's gradient; Cho GRU: r * h_prev.
                layer.RecordAux = record = Aligned(record);
                record += h;
            }

            if (model.Tuning.Cores == 2 && m.Splittable)
            {
                // The caller takes more blocks than the partner: the partner starts one core-to-core message later and
                // its sums reach the caller one message after it is done.
                int full = gh / BlockedMatrix.Width;
                layer.SplitColumn = System.Math.Min(full - 1, (full + 2) / 2) * BlockedMatrix.Width;
            }

            layer.BlocksPerCall = model.Tuning.VectorWidth == 512 && layer.Sweeps && layer.WeightBytes < 512 * 1024 && gh / BlockedMatrix.Width >= 8 ? 4 : 2;
            layers.Add(layer);
        }

        Layers = layers;
        if (model.HasHead)
        {
            HeadWeight = p;
            HeadBias = p + model.HeadOutputs * model.Layers[model.Layers.Count - 1].HiddenSize;
            p = HeadBias + model.HeadOutputs;
            RecordOutput = record = Aligned(record);
            record += model.HeadOutputs;
        }
        else
        {
            RecordOutput = layers[layers.Count - 1].RecordH;
        }

        ParameterCount = p;
        PackedCount = packed;
        StateSize = state;
        StepRecordSize = Aligned(record);
        TraceHeader = Aligned(state);
        SplitState = StepRecordSize;
        SplitHidden = SplitState + Aligned(state);
        SplitWorkSize = SplitHidden + Aligned(layers.Where(l => l.Splits && l.Model.IsGru).Select(l => l.Model.GateSize).DefaultIfEmpty(0).Max());
    }

    /// <summary>
    /// Floats in a cache line. Every section of a record starts on one, and records are whole lines, so that in an
    /// aligned buffer the gate accumulators and states take whole Vector512 loads and stores.
    /// </summary>
    public const int LineFloats = 16;

    private static int Aligned(int floats) => (floats + LineFloats - 1) / LineFloats * LineFloats;

    public ModelSpec Model { get; }

    public IReadOnlyList<LayerLayout> Layers { get; }

    public LayerLayout Top => Layers[Layers.Count - 1];

    /// <summary>Floats per step of a float input (the embedding's dimensions for embedding models).</summary>
    public int InputSize { get; }

    public int OutputSize => Model.HasHead ? Model.HeadOutputs : Top.Model.HiddenSize;

    public int VocabularySize => Model.HasEmbedding ? Model.Vocabulary : InputSize;

    public int EmbeddingOffset { get; }

    public int HeadWeight { get; }

    public int HeadBias { get; }

    public int ParameterCount { get; }

    /// <summary>Whether any layer sweeps its blocks in alternating directions (<see cref="LayerLayout.Sweeps"/>).</summary>
    public bool Sweeps => Layers.Any(l => l.Sweeps);

    /// <summary>
    /// Whether Forward runs a sequence in chunks of steps that share the input weights (ModelEmitter.ForwardChunk): when
    /// the layers' float weight matrices take 64 KB or more together, more than L1 keeps from one step to the next, so
    /// reading W_ih once per chunk saves L2 traffic. Smaller models lose more to the extra stores than they save.
    /// Measured (100 steps): LSTM (16,64) 47.0 -> 41.7 µs, (64,256) 1007 -> 874 µs, GRU (64,256) 665 -> 538 µs;
    /// LSTM (8,32) 9.3 -> 10.0 µs, so it keeps one step at a time.
    /// </summary>
    public bool ChunksSequences => Layers.Sum(l => l.WeightBytes) >= LayerLayout.BeyondL1;

    /// <summary>
    /// Whether the forward kernels split short passes into independent FMA chains (AffineKernel.Chains): for models
    /// that do not chunk sequences and have a layer of fewer than 128 gate rows, whose one kernel call has fewer than 8
    /// Vector512 accumulators (an RNN (8, 32): two, each a chain of 40 dependent FMAs). The chains change the order of
    /// the sums, so these models run StepStreams one stream at a time (each stream still gets exactly what Step gives
    /// it). Measured (probe): RNN (8, 32) step 56 -> 34 ns.
    /// </summary>
    public bool ChainsAccumulators => !SplitsSteps && !ChunksSequences && Layers.Any(l => l.Model.GateSize < 2 * BlockedMatrix.Width);

    /// <summary>
    /// Whether Step shares layers' gate rows with GenRnn.CorePartner (Cores = 2; see <see cref="LayerLayout.Splits"/>).
    /// Such models do not chain accumulators: the split Step, the one-core fallback and Forward then all give the same
    /// sums.
    /// </summary>
    public bool SplitsSteps => Layers.Any(l => l.Splits);

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

    /// <summary>Where a step's output sits in its record (the head's outputs, or the top layer's h).</summary>
    public int RecordOutput { get; }

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

    public int WeightIh { get; set; }

    public int WeightHh { get; set; }

    public int BiasIh { get; set; }

    public int BiasHh { get; set; }

    /// <summary>Where W_ih's and W_hh's bfloat16 pairs start in the snapshot's packed buffer, or -1 (float weights).</summary>
    public int PackedIh { get; set; } = -1;

    public int PackedHh { get; set; } = -1;

    /// <summary>
    /// Whether the layer's weight matrices (float) take 64 KB or more: more than a core's L1 data cache (32-48 KB), so
    /// that the step sweeps its column blocks in alternating directions and starts each step with the blocks the last
    /// one read, still in L1 (or, for layers that crowd L2, still in L2). Measured here: LSTM (16,64), 80 KB, 683 -> 501
    /// ns a step; (64,256) 13.1 -> 10.0 µs; layers of 49 and 60 KB neither gained nor lost, so they keep one direction.
    /// </summary>
    public bool Sweeps => WeightBytes >= BeyondL1;

    /// <summary>Bytes of weights from which a step's weights no longer stay in L1 (32-48 KB) from step to step.</summary>
    public const int BeyondL1 = 64 * 1024;

    /// <summary>Bytes of the layer's two weight matrices in float.</summary>
    public long WeightBytes => (long)Model.GateSize * (Model.InputSize + Model.HiddenSize) * sizeof(float);

    /// <summary>
    /// Full column blocks per float forward kernel call: 2, or 4 under the Vector512 tuning for layers that sweep
    /// (LayerLayout.Sweeps) with under 512 KB of weights (half this machine class's L2) and at least 8 blocks (two
    /// groups to alternate): their kernel reads four blocks' weight streams from L2 in one pass, 16 accumulators.
    /// Measured (probe, best of 7): LSTM (32,128), 327 KB, step 2.54-2.73 -> 2.18-2.39 µs; LSTM (64,256), 1.3 MB,
    /// 10.0 -> 10.8 µs (so it keeps pairs); the bfloat16 kernel with four blocks ran 5-8x slower (spills): pairs.
    /// </summary>
    public int BlocksPerCall { get; set; } = 2;

    /// <summary>
    /// Under Cores = 2, the first gate row the partner core computes (whole column blocks: the caller takes the first
    /// half, rounded up, the partner the rest), or 0 when the layer is not split: a reset-before GRU (its recurrent
    /// product waits for r), or a layer of one block.
    /// </summary>
    public int SplitColumn { get; set; }

    public bool Splits => SplitColumn > 0;

    public int Peepholes { get; set; } = -1;

    public int StateH { get; set; }

    public int StateC { get; set; }

    public int RecordGates { get; set; }

    public int RecordC { get; set; } = -1;

    public int RecordH { get; set; }

    public int RecordAux { get; set; } = -1;
}
