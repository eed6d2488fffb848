namespace GenRnn.Interop;

/// <summary>
/// Reads and writes the safetensors format (the format of <c>safetensors.torch.save_file</c> and the Hugging Face
/// hub) and loads such files into generated models by their PyTorch names.
/// </summary>
/// <remarks>
/// <para>
/// A file is an 8-byte little-endian header length N, N bytes of UTF-8 JSON, then the tensors' data. The header maps
/// each tensor's name to <c>{"dtype", "shape", "data_offsets": [begin, end]}</c> (offsets into the data, which
/// follows the header) and may hold a <c>__metadata__</c> object of string pairs. Reading accepts the dtypes
/// <c>F32</c>, <c>F16</c>, <c>BF16</c> and <c>F64</c> and converts every value to float; writing writes <c>F32</c>.
/// </para>
/// <para>
/// Reading checks the file as strictly as the reference implementation, and a little more: the header length is
/// at most <see cref="MaxHeaderLength"/> and inside the file; the header is a JSON object whose entries have exactly
/// a known dtype, a shape of non-negative integers and two offsets; no name appears twice; each tensor's byte length
/// is its element count times its dtype's size; the tensors' data neither overlap nor leave gaps and end exactly
/// where the file ends (so a truncated file is always rejected). Any violation is an <see cref="InvalidDataException"/>
/// naming the file and the tensor. Files are written under a temporary name and then moved over the destination.
/// </para>
/// </remarks>
// One concept per file: SafeTensors.Read (file checks and dtype conversion), SafeTensors.Header (the JSON header
// parser), SafeTensors.Write (the F32 writer) and SafeTensors.Models (generated models by their PyTorch names).
public static partial class SafeTensors
{
    /// <summary>The largest header accepted, in bytes (the reference implementation's limit).</summary>
    public const int MaxHeaderLength = 100_000_000;

    // The header key of the string pairs, which is no tensor: the reader collects it, the writer refuses it as a name.
    private const string MetadataKey = "__metadata__";
}
