using System.Buffers.Binary;
using System.Text;
using GenRnn.Training;
using Xunit;

namespace GenRnn.Tests.Training;

public sealed class CheckpointTests : IDisposable
{
    private const string Model = "Tests.SomeModel";
    private const int N = 53;
    private readonly DirectoryInfo _folder = Directory.CreateTempSubdirectory("genrnn-checkpoint-");

    public void Dispose() => _folder.Delete(recursive: true);

    private string PathOf(string name) => System.IO.Path.Combine(_folder.FullName, name);

    private static Adam TrainedAdam(float[] parameters, int steps = 3)
    {
        var adam = new Adam(N, 0.02, amsGrad: true);
        for (int t = 0; t < steps; t++)
        {
            adam.Step(parameters, TestData.Uniform(N, 100 + t));
        }

        return adam;
    }

    private static void AssertSameState(OptimizerState expected, OptimizerState actual)
    {
        Assert.Equal(expected.Kind, actual.Kind);
        Assert.Equal(expected.StepCount, actual.StepCount);
        Assert.Equal(expected.LearningRate, actual.LearningRate);
        Assert.Equal(expected.Buffers.Select(b => b.Name), actual.Buffers.Select(b => b.Name));
        for (int i = 0; i < expected.Buffers.Count; i++)
        {
            Assert.Equal(expected.Buffers[i].Data, actual.Buffers[i].Data);
        }
    }

    /// <summary>Writes a checkpoint, returns its path and what was saved.</summary>
    private (string Path, float[] Parameters, Adam Optimizer, TrainingPosition Position) SaveOne(string name = "model.ckpt")
    {
        float[] p = TestData.Uniform(N, 1);
        Adam adam = TrainedAdam(p);
        var position = new TrainingPosition(3, 17, 42, [1, -2, int.MaxValue]);
        string path = PathOf(name);
        Checkpoint.Save(path, Model, p, adam, position);
        return (path, p, adam, position);
    }

    /// <summary>A destination (parameters and a trained optimizer of the same configuration) to load into.</summary>
    private static (float[] Parameters, Adam Optimizer, OptimizerState Before) Destination()
    {
        float[] p = TestData.Uniform(N, 2);
        Adam adam = TrainedAdam(p, steps: 1);
        return (p, adam, adam.ExportState());
    }

    [Fact]
    public void Round_trip_restores_everything_and_training_resumes_identically()
    {
        (string path, float[] saved, Adam adam, TrainingPosition position) = SaveOne();
        float[] p = new float[N];
        var resumed = new Adam(N, 0.5, amsGrad: true);
        TrainingPosition loaded = Checkpoint.Load(path, Model, p, resumed);

        Assert.Equal(saved, p);
        AssertSameState(adam.ExportState(), resumed.ExportState());
        Assert.Equal(position.Epoch, loaded.Epoch);
        Assert.Equal(position.Step, loaded.Step);
        Assert.Equal(position.Seed, loaded.Seed);
        Assert.Equal(position.RandomState, loaded.RandomState);

        float[] g = TestData.Uniform(N, 200);
        adam.Step(saved, g);
        resumed.Step(p, g);
        Assert.Equal(saved, p);
    }

    [Fact]
    public void Read_returns_the_contents_and_the_file_format_is_as_documented()
    {
        (string path, float[] saved, Adam adam, _) = SaveOne();
        CheckpointData data = Checkpoint.Read(path);
        Assert.Equal(Model, data.ModelName);
        Assert.Equal(saved, data.Parameters);
        AssertSameState(adam.ExportState(), data.Optimizer!);

        byte[] file = File.ReadAllBytes(path);
        Assert.Equal("GENRNNCK"u8.ToArray(), file[..8]);
        Assert.Equal(Checkpoint.FormatVersion, BinaryPrimitives.ReadInt32LittleEndian(file.AsSpan(8)));
        Assert.Equal(file.Length - 24, BinaryPrimitives.ReadInt64LittleEndian(file.AsSpan(12)));
        Assert.Equal(BitwiseCrc32(file.AsSpan(0, file.Length - 4)), BinaryPrimitives.ReadUInt32LittleEndian(file.AsSpan(file.Length - 4)));
        Assert.Equal(Model.Length, BinaryPrimitives.ReadInt32LittleEndian(file.AsSpan(20)));
        Assert.Equal(Model, Encoding.UTF8.GetString(file, 24, Model.Length));
        Assert.Equal(N, BinaryPrimitives.ReadInt32LittleEndian(file.AsSpan(24 + Model.Length)));
        Assert.Equal(saved[0], BinaryPrimitives.ReadSingleLittleEndian(file.AsSpan(28 + Model.Length)));
    }

    [Fact]
    public void A_version_1_file_with_a_float32_learning_rate_still_loads()
    {
        // Version 1, written before learning rates became double, is version 2 with the rate stored as a float32.
        float[] saved = TestData.Uniform(N, 1);
        Adam adam = TrainedAdam(saved);
        adam.LearningRate = 0.03f;
        OptimizerState state = adam.ExportState();
        var payload = new MemoryStream();
        using (var w = new BinaryWriter(payload, Encoding.UTF8, leaveOpen: true))
        {
            void WriteString(string s)
            {
                w.Write(Encoding.UTF8.GetByteCount(s));
                w.Write(Encoding.UTF8.GetBytes(s));
            }

            void WriteFloats(float[] values)
            {
                w.Write(values.Length);
                foreach (float v in values) w.Write(v);
            }

            WriteString(Model);
            WriteFloats(saved);
            w.Write(3); // epoch
            w.Write(17L); // step
            w.Write(42); // seed
            w.Write(1); // random state
            w.Write(-5);
            w.Write((byte)1);
            WriteString(state.Kind);
            w.Write(state.StepCount);
            w.Write((float)state.LearningRate);
            w.Write(state.Buffers.Count);
            foreach (NamedTensor b in state.Buffers)
            {
                WriteString(b.Name);
                WriteFloats(b.Data);
            }
        }

        byte[] body = payload.ToArray();
        byte[] file = new byte[20 + body.Length + 4];
        "GENRNNCK"u8.CopyTo(file);
        BinaryPrimitives.WriteInt32LittleEndian(file.AsSpan(8), 1);
        BinaryPrimitives.WriteInt64LittleEndian(file.AsSpan(12), body.Length);
        body.CopyTo(file, 20);
        BinaryPrimitives.WriteUInt32LittleEndian(file.AsSpan(file.Length - 4), BitwiseCrc32(file.AsSpan(0, file.Length - 4)));
        string path = PathOf("version1.ckpt");
        File.WriteAllBytes(path, file);

        float[] p = new float[N];
        var resumed = new Adam(N, 0.5, amsGrad: true);
        TrainingPosition position = Checkpoint.Load(path, Model, p, resumed);
        Assert.Equal(saved, p);
        Assert.Equal((double)0.03f, resumed.LearningRate);
        AssertSameState(state, resumed.ExportState());
        Assert.Equal((3, 17L, 42), (position.Epoch, position.Step, position.Seed));
        Assert.Equal(new[] { -5 }, position.RandomState);
    }

    [Fact]
    public void The_learning_rate_round_trips_as_a_double()
    {
        (string path, _, Adam adam, _) = SaveOne();
        adam.LearningRate = 0.1; // not a float value
        Checkpoint.Save(path, Model, new float[N], adam, new TrainingPosition(0, 0, 0));
        Assert.Equal(0.1, Checkpoint.Read(path).Optimizer!.LearningRate);
    }

    [Fact]
    public void The_checksum_is_standard_CRC32()
    {
        Assert.Equal(0xCBF43926u, BitwiseCrc32("123456789"u8)); // the check value of CRC-32/ISO-HDLC (zlib)
    }

    /// <summary>CRC-32 computed bit by bit, independently of the library's table.</summary>
    private static uint BitwiseCrc32(ReadOnlySpan<byte> data)
    {
        uint crc = 0xFFFFFFFF;
        foreach (byte b in data)
        {
            crc ^= b;
            for (int k = 0; k < 8; k++)
            {
                crc = (crc >> 1) ^ (0xEDB88320u & (uint)-(int)(crc & 1));
            }
        }

        return ~crc;
    }

    [Fact]
    public void Saving_replaces_an_existing_file_and_leaves_no_temporary_file()
    {
        (string path, _, _, _) = SaveOne();
        float[] other = TestData.Uniform(N, 9);
        Checkpoint.Save(path, Model, other, null, new TrainingPosition(9, 99, 1));
        CheckpointData data = Checkpoint.Read(path);
        Assert.Equal(other, data.Parameters);
        Assert.Null(data.Optimizer);
        Assert.Empty(data.Position.RandomState);
        Assert.Equal([path], Directory.GetFiles(_folder.FullName));
    }

    [Fact]
    public void A_failing_save_keeps_the_old_file()
    {
        (string path, float[] saved, _, _) = SaveOne();
        byte[] before = File.ReadAllBytes(path);
        Assert.Throws<InvalidOperationException>(() => Checkpoint.Save(path, Model, saved, new ThrowingOptimizer(), new TrainingPosition(0, 0, 0)));
        Assert.Throws<ArgumentNullException>(() => Checkpoint.Save(path, new CheckpointData(Model, null!, null, new TrainingPosition(0, 0, 0))));
        Assert.Equal(before, File.ReadAllBytes(path));
        Assert.Equal([path], Directory.GetFiles(_folder.FullName));
    }

    public static TheoryData<string> Damages => new()
    {
        "flip-magic", "flip-version", "flip-length", "flip-name", "flip-parameter", "flip-optimizer", "flip-checksum",
        "truncate-0", "truncate-5", "truncate-header", "truncate-half", "truncate-1", "append", "future-version",
        "impossible-count", "extra-content", "not-a-checkpoint",
    };

    [Theory]
    [MemberData(nameof(Damages))]
    public void Damaged_files_throw_and_leave_the_destination_unchanged(string damage)
    {
        (string path, _, _, _) = SaveOne();
        byte[] file = File.ReadAllBytes(path);
        int nameEnd = 24 + Model.Length;
        byte[] damaged = damage switch
        {
            "flip-magic" => Flip(file, 2),
            "flip-version" => Flip(file, 8),
            "flip-length" => Flip(file, 12),
            "flip-name" => Flip(file, 26),
            "flip-parameter" => Flip(file, nameEnd + 4 + 4 * 10),
            "flip-optimizer" => Flip(file, file.Length - 40),
            "flip-checksum" => Flip(file, file.Length - 1),
            "truncate-0" => [],
            "truncate-5" => file[..5],
            "truncate-header" => file[..22],
            "truncate-half" => file[..(file.Length / 2)],
            "truncate-1" => file[..^1],
            "append" => [.. file, 0],
            "future-version" => Resealed(file, f => BinaryPrimitives.WriteInt32LittleEndian(f.AsSpan(8), Checkpoint.FormatVersion + 1)),
            "impossible-count" => Resealed(file, f => BinaryPrimitives.WriteInt32LittleEndian(f.AsSpan(nameEnd), 1 << 30)),
            "extra-content" => Resealed([.. file[..^4], 0, 0, 0, 0, 0], f => BinaryPrimitives.WriteInt64LittleEndian(f.AsSpan(12), file.Length - 24 + 1)),
            "not-a-checkpoint" => Encoding.UTF8.GetBytes("{\"weights\": [1, 2, 3]} and some more text to be long enough"),
            _ => throw new ArgumentException(damage),
        };
        File.WriteAllBytes(path, damaged);

        (float[] p, Adam adam, OptimizerState before) = Destination();
        float[] copy = (float[])p.Clone();
        var e = Assert.Throws<InvalidDataException>(() => Checkpoint.Load(path, Model, p, adam));
        Assert.Contains(path, e.Message);
        Assert.Equal(copy, p);
        AssertSameState(before, adam.ExportState());
        Assert.Throws<InvalidDataException>(() => Checkpoint.Read(path));
        if (damage == "future-version")
        {
            Assert.Contains("version", e.Message);
        }
        else if (damage.StartsWith("flip", StringComparison.Ordinal) && damage is not "flip-magic" and not "flip-version" and not "flip-length")
        {
            Assert.Contains("checksum", e.Message);
        }
        else if (damage.StartsWith("truncate", StringComparison.Ordinal) && damage != "truncate-0")
        {
            Assert.Contains("truncated", e.Message);
        }
    }

    private static byte[] Flip(byte[] file, int index)
    {
        byte[] copy = (byte[])file.Clone();
        copy[index] ^= 0x10;
        return copy;
    }

    /// <summary>Changes the file, then writes a matching checksum: only the content checks can catch it.</summary>
    private static byte[] Resealed(byte[] file, Action<byte[]> change)
    {
        byte[] copy = (byte[])file.Clone();
        change(copy);
        BinaryPrimitives.WriteUInt32LittleEndian(copy.AsSpan(copy.Length - 4), BitwiseCrc32(copy.AsSpan(0, copy.Length - 4)));
        return copy;
    }

    [Fact]
    public void Another_model_or_parameter_count_throws_and_leaves_the_destination_unchanged()
    {
        (string path, _, _, _) = SaveOne();
        (float[] p, Adam adam, OptimizerState before) = Destination();
        float[] copy = (float[])p.Clone();

        var e = Assert.Throws<InvalidDataException>(() => Checkpoint.Load(path, "Tests.OtherModel", p, adam));
        Assert.Contains("Tests.OtherModel", e.Message);
        Assert.Contains(Model, e.Message);

        float[] longer = new float[N + 1];
        Assert.Throws<InvalidDataException>(() => Checkpoint.Load(path, Model, longer, null));
        Assert.All(longer, x => Assert.Equal(0f, x));

        Assert.Equal(copy, p);
        AssertSameState(before, adam.ExportState());
    }

    [Fact]
    public void An_unfitting_optimizer_throws_before_the_parameters_change()
    {
        (string path, _, _, _) = SaveOne(); // Adam with AMSGrad
        (float[] p, _, _) = Destination();
        float[] copy = (float[])p.Clone();

        var sgd = new Sgd(N, 0.1, momentum: 0.9);
        OptimizerState sgdBefore = sgd.ExportState();
        var e = Assert.Throws<InvalidDataException>(() => Checkpoint.Load(path, Model, p, sgd));
        Assert.IsType<ArgumentException>(e.InnerException);
        Assert.Equal(copy, p);
        AssertSameState(sgdBefore, sgd.ExportState());

        var plainAdam = new Adam(N); // other configuration: no max_exp_avg_sq
        Assert.Throws<InvalidDataException>(() => Checkpoint.Load(path, Model, p, plainAdam));
        Assert.Equal(0, plainAdam.StepCount);
        Assert.Equal(copy, p);
    }

    [Fact]
    public void Optimizer_state_is_required_only_when_an_optimizer_is_given()
    {
        string path = PathOf("weights-only.ckpt");
        float[] saved = TestData.Uniform(N, 3);
        Checkpoint.Save(path, Model, saved, null, new TrainingPosition(1, 2, 3));
        (float[] p, Adam adam, OptimizerState before) = Destination();
        float[] copy = (float[])p.Clone();
        var e = Assert.Throws<InvalidDataException>(() => Checkpoint.Load(path, Model, p, adam));
        Assert.Contains("no optimizer state", e.Message);
        Assert.Equal(copy, p);
        AssertSameState(before, adam.ExportState());

        TrainingPosition position = Checkpoint.Load(path, Model, p, null);
        Assert.Equal(saved, p);
        Assert.Equal(2, position.Step);

        (string withState, _, _, _) = SaveOne("with-state.ckpt");
        Checkpoint.Load(withState, Model, p, null); // a saved state may be ignored
    }

    [Fact]
    public void Generic_overloads_use_the_models_name_and_buffer()
    {
        string path = PathOf("fake.ckpt");
        var model = FakeModel.Create();
        TestData.Uniform(FakeModel.ParameterCount, 5).CopyTo(model.Parameters, 0);
        var rms = new RMSprop(FakeModel.ParameterCount, momentum: 0.5);
        rms.Step(model.Parameters, TestData.Uniform(FakeModel.ParameterCount, 6));
        Checkpoint.Save(path, model, rms, new TrainingPosition(1, 1, 7));
        Assert.Equal(FakeModel.Description.Name, Checkpoint.Read(path).ModelName);

        var restored = FakeModel.Create();
        var rms2 = new RMSprop(FakeModel.ParameterCount, momentum: 0.5);
        Assert.Equal(7, Checkpoint.Load(path, restored, rms2).Seed);
        Assert.Equal(model.Parameters, restored.Parameters);
        AssertSameState(rms.ExportState(), rms2.ExportState());

        Assert.Throws<InvalidDataException>(() => Checkpoint.Load(SaveOne().Path, restored, null)); // another model's file
    }

    [Fact]
    public void Arguments_are_validated()
    {
        Assert.Throws<ArgumentException>(() => Checkpoint.Save("", Model, new float[1], null, new TrainingPosition(0, 0, 0)));
        Assert.Throws<ArgumentNullException>(() => Checkpoint.Save(PathOf("x"), null!, new float[1], null, new TrainingPosition(0, 0, 0)));
        Assert.Throws<ArgumentNullException>(() => Checkpoint.Save(PathOf("x"), Model, new float[1], null, null!));
        Assert.Throws<ArgumentNullException>(() => Checkpoint.Read(null!));
        Assert.Throws<FileNotFoundException>(() => Checkpoint.Read(PathOf("missing")));
        Assert.Empty(Directory.GetFiles(_folder.FullName));
    }

    private sealed class ThrowingOptimizer : IOptimizer
    {
        public int ParameterCount => N;

        public double LearningRate { get; set; }

        public long StepCount => 0;

        public void Step(Span<float> parameters, ReadOnlySpan<float> gradients)
        {
        }

        public void Reset()
        {
        }

        public OptimizerState ExportState() => throw new InvalidOperationException("export failed");

        public void ImportState(OptimizerState state)
        {
        }
    }
}
