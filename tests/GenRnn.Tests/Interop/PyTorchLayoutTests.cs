using GenRnn.Tests.Models;
using GenRnn.Tests.Training;
using Xunit;

namespace GenRnn.Tests.Interop;

/// <summary>Named tensors with a null name, shape or data are named in an ArgumentException before a parameter is written.</summary>
public sealed class PyTorchLayoutTests
{
    public static TheoryData<string, string> NullParts() => new()
    {
        { "data", "tensor 'bias_ih_l0' has a null data" },
        { "shape", "tensor 'bias_ih_l0' has a null shape" },
        { "name", "tensor 2 (counting from 0) has a null name" },
        { "all", "tensor 2 (counting from 0) has a null name and shape and data" },
    };

    [Theory]
    [MemberData(nameof(NullParts))]
    public void A_tensor_with_a_null_part_is_named_and_nothing_is_written(string part, string fragment)
    {
        var model = new Lstm8x16();
        TestData.Uniform(Lstm8x16.ParameterCount, 3).CopyTo(model.Parameters, 0);
        float[] before = model.Parameters.ToArray();

        // Every other tensor is valid and holds new values, so any write before the check would show.
        List<NamedTensor> tensors = model.ExportParameters().Select(t => t with { Data = [.. t.Data.Select(v => v + 1)] }).ToList();
        Assert.Equal("bias_ih_l0", tensors[2].Name);
        NamedTensor t = tensors[2];
        tensors[2] = part switch
        {
            "data" => t with { Data = null! },
            "shape" => t with { Shape = null! },
            "name" => t with { Name = null! },
            _ => new NamedTensor(null!, null!, null!),
        };

        ArgumentException e = Assert.Throws<ArgumentException>(() => model.ImportParameters(tensors));
        Assert.Contains(fragment, e.Message, StringComparison.Ordinal);
        Assert.Equal("tensors", e.ParamName);
        Assert.Equal(before, model.Parameters);
    }
}
