using System.Collections.Generic;

namespace GenRnn.Cells;

/// <summary>
/// The facts about one cell kind that more than one part of GenRnn needs: its gate blocks, its state, its parameter
/// tensors with their PyTorch names and shapes, its ONNX form and its recommended initialisation. The runtime and the
/// generator both compile these files (GenRnn.Generators.csproj links src/GenRnn/Cells), so the generated layout, the
/// runtime's ModelDescription, the loaders and the initialiser read one description.
/// </summary>
/// <param name="kind">The kind described.</param>
/// <param name="attribute">The attribute that declares a layer of the kind, without "Attribute" (Lstm for [Lstm]).</param>
/// <param name="options">
/// The value of each of the attribute's bool options that selects this kind (every option of the attribute, the first
/// kind of an attribute with the options' defaults): [Lstm(ForgetGate = false)] is the kind whose ForgetGate is false.
/// </param>
/// <param name="gateBlocks">The gate blocks stacked in weight_ih, weight_hh and the biases, in PyTorch's row order.</param>
/// <param name="hasCellState">Whether the state holds a cell state c (H floats) after h.</param>
/// <param name="diagonals">Per-unit vectors of H floats after the biases (the peepholes), by PyTorch name without _lN.</param>
/// <param name="forgetBlock">The gate block whose bias_ih the recommended initialisation sets to 1, or -1.</param>
/// <param name="recurrentApart">
/// Whether the step needs the recurrent product W_hh h + b_hh apart from the input product W_ih x + b_ih, because a
/// gate scales or feeds part of it (the GRUs' reset gate) instead of the two being summed.
/// </param>
/// <param name="recurrentWaitsForReset">
/// Whether part of the recurrent product multiplies r * h (the reset-before GRU): it cannot start before r is known.
/// </param>
/// <param name="onnx">How ONNX holds the cell, or null.</param>
/// <param name="noOnnxReason">Why ONNX cannot hold the cell, when <paramref name="onnx"/> is null.</param>
/// <param name="lstm">The LSTM options the kind has (LSTM kinds only), which the LSTM's emitter and reference read.</param>
/// <param name="tensorRows">
/// The kind's own tensor list, for a cell whose tensors do not stack every gate block in weight_ih, weight_hh and two
/// biases (MUT1-3: different blocks per tensor, one bias), or null for that standard list.
/// </param>
/// <param name="inputEqualsHidden">
/// Whether the cell adds its input to a gate elementwise (MUT1's tanh(x), MUT2's x), so its input size must be its hidden size.
/// </param>
internal sealed class CellFamily(
    CellKind kind,
    string attribute,
    CellOption[] options,
    string[] gateBlocks,
    bool hasCellState,
    string[] diagonals,
    int forgetBlock,
    bool recurrentApart,
    bool recurrentWaitsForReset,
    OnnxForm? onnx,
    string? noOnnxReason = null,
    LstmOptions? lstm = null,
    CellTensorRows[]? tensorRows = null,
    bool inputEqualsHidden = false)
{
    public CellKind Kind { get; } = kind;

    /// <summary>The attribute that declares the kind, without "Attribute".</summary>
    public string Attribute { get; } = attribute;

    /// <summary>The attribute's bool options with the values that select this kind.</summary>
    public IReadOnlyList<CellOption> Options { get; } = options;

    /// <summary>The gate blocks, H rows each, in PyTorch's order (LSTM i, f, g, o; GRU r, z, n).</summary>
    public IReadOnlyList<string> GateBlocks { get; } = gateBlocks;

    public int GateCount => GateBlocks.Count;

    public bool HasCellState { get; } = hasCellState;

    public IReadOnlyList<string> Diagonals { get; } = diagonals;

    public int ForgetBlock { get; } = forgetBlock;

    public bool RecurrentApart { get; } = recurrentApart;

    public bool RecurrentWaitsForReset { get; } = recurrentWaitsForReset;

    public OnnxForm? Onnx { get; } = onnx;

    /// <summary>Why ONNX cannot hold the cell (null when it can).</summary>
    public string? NoOnnxReason { get; } = onnx is null ? noOnnxReason ?? $"a {kind} layer, which ONNX has no operator for" : null;

    /// <summary>The LSTM's options (LSTM kinds only, else null).</summary>
    public LstmOptions? Lstm { get; } = lstm;

    /// <summary>Whether a layer's input size must equal its hidden size (MUT1, MUT2 add x to a gate elementwise).</summary>
    public bool InputEqualsHidden { get; } = inputEqualsHidden;

    /// <summary>
    /// Why a layer of <paramref name="inputSize"/> inputs and <paramref name="hiddenSize"/> units cannot be of this
    /// kind, or null when it can: the one rule the parser reports (GRNN diagnostic) and ModelDescription throws.
    /// </summary>
    public string? SizeConflict(int inputSize, int hiddenSize) =>
        InputEqualsHidden && inputSize != hiddenSize
            ? $"a {Kind} layer adds its input to a gate elementwise, so its input size ({inputSize}) must equal its hidden size ({hiddenSize})"
            : null;

    /// <summary>The block of the named gate, or -1.</summary>
    public int BlockOf(string gate)
    {
        for (int b = 0; b < GateBlocks.Count; b++)
        {
            if (GateBlocks[b] == gate)
            {
                return b;
            }
        }

        return -1;
    }

    /// <summary>Floats of state a layer of <paramref name="hidden"/> units carries: h, and c when the cell has one.</summary>
    public int StateFloats(int hidden) => HasCellState ? 2 * hidden : hidden;

    /// <summary>
    /// The layer's parameter tensors in buffer order (PyTorch's names without the _lN suffix): by default weight_ih
    /// [G·H][I], weight_hh [G·H][H], bias_ih and bias_hh [G·H], then the diagonals [H]; a kind with its own list
    /// (<see cref="CellTensorRows"/>) has, for each tensor, H rows per gate block it stacks.
    /// </summary>
    public IReadOnlyList<CellTensor> Tensors(int inputSize, int hiddenSize)
    {
        var tensors = new List<CellTensor>();
        if (tensorRows is not null)
        {
            foreach (CellTensorRows t in tensorRows)
            {
                int columns = t.Role switch
                {
                    CellTensorRole.InputWeight => inputSize,
                    CellTensorRole.RecurrentWeight => hiddenSize,
                    _ => 0,
                };
                tensors.Add(new CellTensor(t.Name, t.Role, t.RowBlocks.Count * hiddenSize, columns, t.RowBlocks));
            }
        }
        else
        {
            int gh = GateCount * hiddenSize;
            tensors.Add(new("weight_ih", CellTensorRole.InputWeight, gh, inputSize, GateBlocks));
            tensors.Add(new("weight_hh", CellTensorRole.RecurrentWeight, gh, hiddenSize, GateBlocks));
            tensors.Add(new("bias_ih", CellTensorRole.InputBias, gh, 0, GateBlocks));
            tensors.Add(new("bias_hh", CellTensorRole.RecurrentBias, gh, 0, GateBlocks));
        }

        foreach (string diagonal in Diagonals)
        {
            tensors.Add(new CellTensor(diagonal, CellTensorRole.Diagonal, hiddenSize, 0, []));
        }

        return tensors;
    }

    /// <summary>
    /// For each gate block (in <see cref="GateBlocks"/> order), the first row of its H rows in the tensor
    /// <paramref name="name"/>, or -1 where the tensor does not stack the block (or the kind has no such tensor).
    /// </summary>
    public int[] BlockRows(string name, int inputSize, int hiddenSize)
    {
        var rows = new int[GateCount];
        CellTensor? tensor = null;
        foreach (CellTensor t in Tensors(inputSize, hiddenSize))
        {
            if (t.Name == name)
            {
                tensor = t;
            }
        }

        for (int b = 0; b < rows.Length; b++)
        {
            rows[b] = tensor is null ? -1 : tensor.RowOf(GateBlocks[b], hiddenSize);
        }

        return rows;
    }

    /// <summary>Parameters of a layer: the sum of its tensors' lengths.</summary>
    public long ParameterCount(int inputSize, int hiddenSize)
    {
        long n = 0;
        foreach (CellTensor t in Tensors(inputSize, hiddenSize))
        {
            n += t.Length;
        }

        return n;
    }
}

/// <summary>One bool option of a cell attribute and its value for a kind.</summary>
/// <param name="name">The attribute's property (ForgetGate).</param>
/// <param name="value">Its value for the kind.</param>
internal sealed class CellOption(string name, bool value)
{
    public string Name { get; } = name;

    public bool Value { get; } = value;

    /// <summary>As a user writes it: <c>ForgetGate = false</c>.</summary>
    public override string ToString() => $"{Name} = {(Value ? "true" : "false")}";
}

/// <summary>What a tensor of a recurrent layer is for (its initialisation depends on it).</summary>
internal enum CellTensorRole
{
    InputWeight,
    RecurrentWeight,
    InputBias,
    RecurrentBias,
    Diagonal,

    /// <summary>The one bias of a cell that has no separate input and recurrent biases (MUT1-3).</summary>
    Bias,
}

/// <summary>One tensor of a kind with its own tensor list: its name, role and the gate blocks it stacks (H rows each).</summary>
/// <param name="name">PyTorch's name without the _lN suffix.</param>
/// <param name="role">What it is for; a weight's columns follow from it (input or hidden size).</param>
/// <param name="rowBlocks">The gate blocks it stacks, in row order (MUT2's weight_ih: z, h).</param>
internal sealed class CellTensorRows(string name, CellTensorRole role, string[] rowBlocks)
{
    public string Name { get; } = name;

    public CellTensorRole Role { get; } = role;

    public IReadOnlyList<string> RowBlocks { get; } = rowBlocks;
}

/// <summary>One parameter tensor of a recurrent layer.</summary>
/// <param name="name">PyTorch's name without the _lN suffix.</param>
/// <param name="role">What it is for.</param>
/// <param name="rows">Rows of a matrix, or the length of a vector.</param>
/// <param name="columns">Columns of a matrix (stored in blocks of gate rows), or 0 for a vector.</param>
/// <param name="rowBlocks">The gate blocks it stacks, H rows each, in row order (empty for a diagonal).</param>
internal sealed class CellTensor(string name, CellTensorRole role, int rows, int columns, IReadOnlyList<string> rowBlocks)
{
    /// <summary>The gate blocks the tensor stacks, in row order.</summary>
    public IReadOnlyList<string> RowBlocks { get; } = rowBlocks;

    /// <summary>The first of the H rows of <paramref name="block"/>, or -1 when the tensor does not stack it.</summary>
    public int RowOf(string block, int hiddenSize)
    {
        for (int b = 0; b < RowBlocks.Count; b++)
        {
            if (RowBlocks[b] == block)
            {
                return b * hiddenSize;
            }
        }

        return -1;
    }

    public string Name { get; } = name;

    public CellTensorRole Role { get; } = role;

    public int Rows { get; } = rows;

    public int Columns { get; } = columns;

    public bool IsMatrix => Columns > 0;

    public long Length => IsMatrix ? (long)Rows * Columns : Rows;
}

/// <summary>How an ONNX RNN, LSTM or GRU node holds the cell.</summary>
/// <param name="op">The operator.</param>
/// <param name="pyTorchBlockOfOnnxBlock">For each ONNX gate block, the PyTorch block it holds.</param>
/// <param name="linearBeforeReset">The GRU's linear_before_reset attribute, or null for other operators.</param>
/// <param name="peepholes">The diagonals in the order of ONNX's P input (LSTM: i, o, f), or empty; "" for a block of zeros.</param>
/// <param name="inputForget">The LSTM's input_forget attribute: f = 1 − i (CIFG, whose f block is then -1: zeros).</param>
/// <param name="activations">The LSTM's activations attribute (f, g, h), or null for the default sigmoid, tanh, tanh.</param>
internal sealed class OnnxForm(string op, int[] pyTorchBlockOfOnnxBlock, int? linearBeforeReset = null, string[]? peepholes = null, bool inputForget = false, string[]? activations = null)
{
    /// <summary>Whether the node sets input_forget = 1 (its f block and peephole are zeros).</summary>
    public bool InputForget { get; } = inputForget;

    /// <summary>The activations attribute (ONNX names; "Affine" with alpha 1, beta 0 is the identity), or null.</summary>
    public IReadOnlyList<string>? Activations { get; } = activations;

    /// <summary>Whether ONNX import can fill a layer of this form: the plain operators, without GenRnn's LSTM options.</summary>
    public bool Importable => !InputForget && Activations is null;

    public string Operator { get; } = op;

    public IReadOnlyList<int> PyTorchBlockOfOnnxBlock { get; } = pyTorchBlockOfOnnxBlock;

    public int? LinearBeforeReset { get; } = linearBeforeReset;

    public IReadOnlyList<string> Peepholes { get; } = peepholes ?? [];
}
