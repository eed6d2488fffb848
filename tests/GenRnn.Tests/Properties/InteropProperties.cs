using CsCheck;
using GenRnn.Interop;
using GenRnn.Training;
using GenRnn.Tests.Models;
using Xunit;

namespace GenRnn.Tests.Properties;

/// <summary>
/// Properties of loading parameters from damaged input (CsCheck): tensor lists with a tensor dropped, renamed,
/// reshaped, repeated or added, and safetensors and ONNX bytes truncated or with bytes changed. Every failure is one of
/// the documented exceptions and leaves the model's parameters exactly as they were; an undamaged input loads. Damaged
/// checkpoints (which carry a CRC) never load and leave the optimizer as it was too.
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

    [Fact]
    public void DamagedCheckpointsFailWithoutChangingTheModelOrOptimizer()
    {
        // A checkpoint carries a CRC: unlike a weight file, no damaged checkpoint may load at all.
        var source = Seeded<RnnGruSigmoid>(7);
        var adam = new Adam(RnnGruSigmoid.ParameterCount, learningRate: 0.01);
        adam.Step(source.Parameters, Enumerable.Range(0, RnnGruSigmoid.ParameterCount).Select(i => (float)Math.Sin(i)).ToArray());
        string path = Path.Combine(Path.GetTempPath(), $"genrnn-property-{Guid.NewGuid():N}.ckpt");
        string damagedPath = path + ".damaged";
        try
        {
            Checkpoint.Save(path, source, adam, new TrainingPosition(3, 42, 1));
            byte[] file = File.ReadAllBytes(path);
            var target = Seeded<RnnGruSigmoid>(8);
            var resumed = new Adam(RnnGruSigmoid.ParameterCount, learningRate: 0.02);
            float[] before = target.Parameters.ToArray();
            OptimizerState optimizerBefore = resumed.ExportState();
            Gen.OneOf<byte[]>(Truncations(file), Changes(file)).Sample(bytes =>
            {
                File.WriteAllBytes(damagedPath, bytes);
                Assert.Throws<InvalidDataException>(() => Checkpoint.Load(damagedPath, target, resumed));
                Assert.Equal(before, target.Parameters);
                OptimizerState optimizerAfter = resumed.ExportState();
                Assert.Equal(optimizerBefore.StepCount, optimizerAfter.StepCount);
                Assert.Equal(optimizerBefore.LearningRate, optimizerAfter.LearningRate);
                Assert.Equal(optimizerBefore.Buffers.SelectMany(b => b.Data), optimizerAfter.Buffers.SelectMany(b => b.Data));
            }, iter: Iterations, threads: 1);

            Assert.Equal(new TrainingPosition(3, 42, 1).Step, Checkpoint.Load(path, target, resumed).Step);
            Assert.Equal(source.Parameters, target.Parameters);
        }
        finally
        {
            File.Delete(path);
            File.Delete(damagedPath);
        }
    }

    private static Gen<byte[]> Truncations(byte[] file) => Gen.Int[0, file.Length - 1].Select(length => file[..length]);

    // A byte changed (XOR with a nonzero value) anywhere in the file.
    private static Gen<byte[]> Changes(byte[] file) => Gen.Select(Gen.Int[0, file.Length - 1], Gen.Byte).Select(t =>
    {
        byte[] copy = file.ToArray();
        copy[t.Item1] ^= (byte)(t.Item2 | 1);
        return copy;
    });

    // Truncations and changed bytes of a good file: each either fails with a documented exception and leaves the model
    // as it was, or loads (a changed weight byte is still a weight) — and then loads exactly what the file holds.
    private static void LoadsOrFails<TModel>(byte[] file, TModel target, Action<byte[]> load, float[] expected, params Type[] documented)
        where TModel : class, IRecurrentModel<TModel>
    {
        float[] before = target.Parameters.ToArray();
        Gen.OneOf<byte[]>(Truncations(file), Changes(file)).Sample(bytes =>
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
