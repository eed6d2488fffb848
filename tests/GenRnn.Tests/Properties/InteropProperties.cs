using CsCheck;
using GenRnn.Interop;
using GenRnn.Tests.Models;
using Xunit;

namespace GenRnn.Tests.Properties;

/// <summary>
/// Properties of loading parameters from damaged input (CsCheck): tensor lists with a tensor dropped, renamed,
/// reshaped, repeated or added, and safetensors and ONNX bytes truncated or with bytes changed. Every failure is one of
/// the documented exceptions and leaves the model's parameters exactly as they were; an undamaged input loads.
/// </summary>
public sealed class InteropProperties
{
    // 300 in CI; GENRNN_PROPERTY_ITERATIONS=N for a longer fault run (docs/reliability.md).
    private static readonly int Iterations = int.TryParse(Environment.GetEnvironmentVariable("GENRNN_PROPERTY_ITERATIONS"), out int n) && n > 0 ? n : 300;

    private enum Damage { None, Drop, Rename, Reshape, Repeat, Add }

    [Fact]
    public void DamagedTensorListsFailWithoutChangingTheModel()
    {
        var source = Seeded<EmbeddingPeepholeStackTanh>(1);
        List<NamedTensor> tensors = source.ExportParameters();
        var target = Seeded<EmbeddingPeepholeStackTanh>(2);
        float[] before = target.Parameters.ToArray();
        Gen.Select(Gen.Enum<Damage>(), Gen.Int[0, tensors.Count - 1], Gen.Int[1, 3]).Sample(t =>
        {
            (Damage damage, int which, int by) = t;
            List<NamedTensor> damaged = Apply(tensors, damage, which, by);
            if (damage == Damage.None)
            {
                target.ImportParameters(damaged);
                Assert.Equal(source.Parameters, target.Parameters);
                before.CopyTo(target.Parameters, 0);
                return;
            }

            ArgumentException e = Assert.ThrowsAny<ArgumentException>(() => target.ImportParameters(damaged));
            Assert.Contains(tensors[which].Name, e.Message);
            Assert.Equal(before, target.Parameters);
        }, iter: Iterations, threads: 1);
    }

    [Fact]
    public void DamagedSafeTensorsFailWithoutChangingTheModel()
    {
        var source = Seeded<RnnGruSigmoid>(3);
        byte[] file = SafeTensors.Serialize(source.ExportParameters());
        var target = Seeded<RnnGruSigmoid>(4);
        string path = Path.Combine(Path.GetTempPath(), $"genrnn-property-{Guid.NewGuid():N}.safetensors");
        try
        {
            LoadsOrFails(file, target, bytes => { File.WriteAllBytes(path, bytes); SafeTensors.Load(path, target); }, source.Parameters,
                typeof(InvalidDataException), typeof(NotSupportedException));
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void DamagedOnnxFilesFailWithoutChangingTheModel()
    {
        // ONNX import reads graphs of one recurrent node: a single LSTM layer without a head, exported by GenRnn.
        var source = Seeded<OnnxLstm8x32>(5);
        byte[] file = Onnx.Serialize(source);
        var target = Seeded<OnnxLstm8x32>(6);
        LoadsOrFails(file, target, bytes => Onnx.Import(bytes, OnnxLstm8x32.Description, target.Parameters), source.Parameters,
            typeof(InvalidDataException), typeof(NotSupportedException));
    }

    // Truncations and changed bytes of a good file: each either fails with a documented exception and leaves the model
    // as it was, or loads (a changed weight byte is still a weight) — and then loads exactly what the file holds.
    private static void LoadsOrFails<TModel>(byte[] file, TModel target, Action<byte[]> load, float[] expected, params Type[] documented)
        where TModel : class, IRecurrentModel<TModel>
    {
        float[] before = target.Parameters.ToArray();
        var truncations = Gen.Int[0, file.Length - 1].Select(length => file[..length]);
        var changes = Gen.Select(Gen.Int[0, file.Length - 1], Gen.Byte).Select(t =>
        {
            byte[] copy = file.ToArray();
            copy[t.Item1] ^= (byte)(t.Item2 | 1);
            return copy;
        });
        Gen.OneOf<byte[]>(truncations, changes).Sample(bytes =>
        {
            before.CopyTo(target.Parameters, 0);
            Exception? e = Record.Exception(() => load(bytes));
            if (e is null)
            {
                // Only a change inside the data can load; the header and the names were intact.
                Assert.Equal(file.Length, bytes.Length);
            }
            else
            {
                Assert.Contains(e.GetType(), documented);
                Assert.Equal(before, target.Parameters);
            }
        }, iter: Iterations, threads: 1);

        load(file);
        Assert.Equal(expected, target.Parameters);
    }

    private static List<NamedTensor> Apply(List<NamedTensor> tensors, Damage damage, int which, int by)
    {
        var list = tensors.ToList();
        NamedTensor t = list[which];
        switch (damage)
        {
            case Damage.Drop:
                list.RemoveAt(which);
                break;
            case Damage.Rename:
                list[which] = new NamedTensor(t.Name + "_x", t.Shape, t.Data);
                break;
            case Damage.Reshape:
                int[] shape = t.Shape.ToArray();
                shape[0] += by;
                list[which] = new NamedTensor(t.Name, shape, new float[shape.Aggregate(1, (a, b) => a * b)]);
                break;
            case Damage.Repeat:
                list.Add(t);
                break;
            case Damage.Add:
                list.Add(new NamedTensor(t.Name + ".extra", t.Shape, t.Data));
                break;
        }

        return list;
    }

    private static TModel Seeded<TModel>(int seed) where TModel : class, IRecurrentModel<TModel>
    {
        var model = TModel.Create();
        var random = new Random(seed);
        for (int i = 0; i < model.Parameters.Length; i++)
        {
            model.Parameters[i] = (float)(random.NextDouble() - 0.5);
        }

        return model;
    }
}
