using System.Buffers.Binary;
using System.Runtime.InteropServices;
using System.Text;
using GenRnn.Interop;

namespace GenRnn.Training;

/// <summary>
/// Saves and loads training checkpoints: the model's name and parameters, the optimizer's state and the training
/// position, in a small binary file.
/// </summary>
/// <remarks>
/// <para>
/// Format (little-endian): the magic <c>GENRNNCK</c>, the format version (int32, <see cref="FormatVersion"/>), the
/// payload's length (int64), the payload, then the CRC-32 (IEEE, as zlib) of every byte before it. Payload: model
/// name; parameter count and parameters; epoch (int32), step (int64), seed (int32), random state (count and int32s);
/// a byte telling whether an optimizer state follows, and if so its kind, step count (int64), learning rate (IEEE
/// double) and buffers (count, then name, length and floats of each). Strings are an int32 byte count and UTF-8;
/// float arrays an int32 count and IEEE single floats.
/// </para>
/// <para>
/// Version 1, written before learning rates became double, differs only in storing the learning rate as an IEEE single
/// float; it still loads (its rate widened to double, exactly the value the optimizer computed with).
/// </para>
/// <para>
/// Saving builds the whole file in memory, then writes it with <see cref="AtomicFile"/> (a temporary file in the
/// destination's folder, flushed to disk and moved over the destination), so a crash leaves either the old file or
/// the new one, never a partial file. Loading checks
/// everything (integrity, model, sizes, optimizer configuration) before it changes the model or the optimizer.
/// </para>
/// </remarks>
public static class Checkpoint
{
    /// <summary>The format version this library writes. It also reads version 1 (a float32 learning rate).</summary>
    public const int FormatVersion = 2;

    /// <summary>The oldest format version this library reads.</summary>
    private const int OldestReadableVersion = 1;

    private const int HeaderSize = 20; // magic, version, payload length
    private const int TrailerSize = 4; // CRC-32
    private static ReadOnlySpan<byte> Magic => "GENRNNCK"u8;

    /// <summary>Saves a checkpoint of a generated model.</summary>
    /// <typeparam name="TModel">The model's type.</typeparam>
    /// <param name="path">The file to write (replaced atomically if it exists).</param>
    /// <param name="model">The model whose parameters are saved.</param>
    /// <param name="optimizer">The optimizer whose state is saved, or null.</param>
    /// <param name="position">Where training stands.</param>
    /// <exception cref="ArgumentException">An argument is invalid.</exception>
    /// <exception cref="IOException">The file cannot be written.</exception>
    public static void Save<TModel>(string path, TModel model, IOptimizer? optimizer, TrainingPosition position)
        where TModel : class, IRecurrentModel<TModel>
    {
        ArgumentNullException.ThrowIfNull(model);
        Save(path, TModel.Description.Name, model.Parameters, optimizer, position);
    }

    /// <summary>Saves a checkpoint.</summary>
    /// <param name="path">The file to write (replaced atomically if it exists).</param>
    /// <param name="modelName">The model's full type name (<see cref="ModelDescription.Name"/>).</param>
    /// <param name="parameters">The model's parameters.</param>
    /// <param name="optimizer">The optimizer whose state is saved, or null.</param>
    /// <param name="position">Where training stands.</param>
    /// <exception cref="ArgumentException">An argument is invalid.</exception>
    /// <exception cref="IOException">The file cannot be written.</exception>
    public static void Save(string path, string modelName, ReadOnlySpan<float> parameters, IOptimizer? optimizer, TrainingPosition position)
    {
        ArgumentNullException.ThrowIfNull(modelName);
        Save(path, new CheckpointData(modelName, parameters.ToArray(), optimizer?.ExportState(), position));
    }

    /// <summary>Saves a checkpoint.</summary>
    /// <param name="path">The file to write (replaced atomically if it exists).</param>
    /// <param name="data">What to save.</param>
    /// <exception cref="ArgumentException">An argument is invalid.</exception>
    /// <exception cref="IOException">The file cannot be written.</exception>
    public static void Save(string path, CheckpointData data)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        ArgumentNullException.ThrowIfNull(data);
        using MemoryStream file = Serialize(data);
        AtomicFile.Write(path, file.GetBuffer().AsSpan(0, (int)file.Length));
    }

    /// <summary>Reads a checkpoint and checks its integrity (not whether it fits any model).</summary>
    /// <param name="path">The file to read.</param>
    /// <returns>The checkpoint's contents.</returns>
    /// <exception cref="InvalidDataException">The file is not a checkpoint, is of another format version, truncated or damaged.</exception>
    /// <exception cref="IOException">The file cannot be read.</exception>
    public static CheckpointData Read(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        return Parse(File.ReadAllBytes(path), path);
    }

    /// <summary>Loads a checkpoint into a generated model and optionally an optimizer.</summary>
    /// <typeparam name="TModel">The model's type; the checkpoint must be of this model.</typeparam>
    /// <param name="path">The file to read.</param>
    /// <param name="model">The model that receives the parameters.</param>
    /// <param name="optimizer">The optimizer that receives the saved state (the file must hold one), or null to ignore it.</param>
    /// <returns>Where training stood.</returns>
    /// <exception cref="InvalidDataException">
    /// The file is damaged, does not fit the model or optimizer, or holds a NaN or infinite parameter or optimizer
    /// value; nothing was changed.
    /// </exception>
    /// <exception cref="IOException">The file cannot be read.</exception>
    public static TrainingPosition Load<TModel>(string path, TModel model, IOptimizer? optimizer)
        where TModel : class, IRecurrentModel<TModel>
    {
        ArgumentNullException.ThrowIfNull(model);
        return Load(path, TModel.Description.Name, model.Parameters, optimizer);
    }

    /// <summary>Loads a checkpoint into a parameter buffer and optionally an optimizer.</summary>
    /// <param name="path">The file to read.</param>
    /// <param name="modelName">The model's full type name; the checkpoint must be of this model.</param>
    /// <param name="parameters">Receives the parameters; its length must be the checkpoint's parameter count.</param>
    /// <param name="optimizer">The optimizer that receives the saved state (the file must hold one), or null to ignore it.</param>
    /// <returns>Where training stood.</returns>
    /// <exception cref="InvalidDataException">
    /// The file is damaged, does not fit the model or optimizer, or holds a NaN or infinite parameter or optimizer
    /// value; neither <paramref name="parameters"/> nor
    /// <paramref name="optimizer"/> was changed.
    /// </exception>
    /// <exception cref="IOException">The file cannot be read.</exception>
    public static TrainingPosition Load(string path, string modelName, Span<float> parameters, IOptimizer? optimizer)
    {
        ArgumentNullException.ThrowIfNull(modelName);
        return Apply(Read(path), path, modelName, parameters, optimizer);
    }

    /// <summary>Checks that <paramref name="data"/> (read from <paramref name="path"/>) fits, then copies it into the destination.</summary>
    internal static TrainingPosition Apply(CheckpointData data, string path, string modelName, Span<float> parameters, IOptimizer? optimizer)
    {
        if (data.ModelName != modelName)
        {
            throw new InvalidDataException($"'{path}' is a checkpoint of {data.ModelName}, not of {modelName}.");
        }

        if (data.Parameters.Length != parameters.Length)
        {
            throw new InvalidDataException($"'{path}' holds {data.Parameters.Length} parameters; the destination has {parameters.Length}.");
        }

        if (NonFinite.IndexOf(data.Parameters) is >= 0 and int bad)
        {
            throw new InvalidDataException($"'{path}' holds a non-finite parameter ({data.Parameters[bad]} at index {bad}); parameters must be finite.");
        }

        if (optimizer is not null)
        {
            if (data.Optimizer is null)
            {
                throw new InvalidDataException($"'{path}' holds no optimizer state; load it without an optimizer to take only the parameters.");
            }

            try
            {
                optimizer.ImportState(data.Optimizer); // checks everything before it changes anything
            }
            catch (ArgumentException e)
            {
                throw new InvalidDataException($"The optimizer state in '{path}' does not fit the optimizer: {e.Message}", e);
            }
        }

        data.Parameters.CopyTo(parameters);
        return data.Position;
    }

    /// <summary>The whole file: header, payload and checksum, in memory before anything is written.</summary>
    private static MemoryStream Serialize(CheckpointData data)
    {
        ArgumentNullException.ThrowIfNull(data.ModelName, nameof(data));
        ArgumentNullException.ThrowIfNull(data.Parameters, nameof(data));
        ArgumentNullException.ThrowIfNull(data.Position, nameof(data));
        ArgumentNullException.ThrowIfNull(data.Position.RandomState, nameof(data));
        var stream = new MemoryStream();
        stream.Write(stackalloc byte[HeaderSize]); // filled in once the payload's length is known
        using (var writer = new BinaryWriter(stream, Encoding.UTF8, leaveOpen: true))
        {
            WriteString(writer, data.ModelName);
            WriteFloats(writer, data.Parameters);
            writer.Write(data.Position.Epoch);
            writer.Write(data.Position.Step);
            writer.Write(data.Position.Seed);
            writer.Write(data.Position.RandomState.Length);
            foreach (int v in data.Position.RandomState)
            {
                writer.Write(v);
            }

            OptimizerState? state = data.Optimizer;
            writer.Write((byte)(state is null ? 0 : 1));
            if (state is not null)
            {
                if (state.Kind is null || state.Buffers is null)
                {
                    throw new ArgumentException("The optimizer state has no kind or no buffer list.", nameof(data));
                }

                WriteString(writer, state.Kind);
                writer.Write(state.StepCount);
                writer.Write(state.LearningRate); // a double since version 2
                writer.Write(state.Buffers.Count);
                foreach (NamedTensor? buffer in state.Buffers)
                {
                    if (buffer?.Name is null || buffer.Data is null)
                    {
                        throw new ArgumentException("An optimizer buffer has no name or no data.", nameof(data));
                    }

                    WriteString(writer, buffer.Name);
                    WriteFloats(writer, buffer.Data);
                }
            }
        }

        Span<byte> written = stream.GetBuffer().AsSpan(0, (int)stream.Length);
        Magic.CopyTo(written);
        BinaryPrimitives.WriteInt32LittleEndian(written[8..], FormatVersion);
        BinaryPrimitives.WriteInt64LittleEndian(written[12..], written.Length - HeaderSize);
        Span<byte> trailer = stackalloc byte[TrailerSize];
        BinaryPrimitives.WriteUInt32LittleEndian(trailer, Crc32.Compute(written));
        stream.Write(trailer);
        return stream;
    }

    private static void WriteString(BinaryWriter writer, string value)
    {
        byte[] bytes = Encoding.UTF8.GetBytes(value);
        writer.Write(bytes.Length);
        writer.Write(bytes);
    }

    private static void WriteFloats(BinaryWriter writer, ReadOnlySpan<float> values)
    {
        writer.Write(values.Length);
        if (BitConverter.IsLittleEndian)
        {
            writer.Write(MemoryMarshal.AsBytes(values));
        }
        else
        {
            foreach (float v in values)
            {
                writer.Write(v); // BinaryWriter writes little-endian
            }
        }
    }

    private static CheckpointData Parse(ReadOnlySpan<byte> file, string path)
    {
        if (file.Length < Magic.Length || !file[..Magic.Length].SequenceEqual(Magic))
        {
            bool prefix = file.Length < Magic.Length && Magic.StartsWith(file);
            throw new InvalidDataException(prefix
                ? $"'{path}' is truncated: it holds only {file.Length} bytes."
                : $"'{path}' is not a GenRnn checkpoint (it does not start with the magic 'GENRNNCK').");
        }

        if (file.Length < HeaderSize + TrailerSize)
        {
            throw new InvalidDataException($"'{path}' is truncated: it holds only {file.Length} bytes.");
        }

        int version = BinaryPrimitives.ReadInt32LittleEndian(file[8..]);
        if (version is < OldestReadableVersion or > FormatVersion)
        {
            throw new InvalidDataException($"'{path}' is a checkpoint of format version {version}; this library reads versions {OldestReadableVersion} to {FormatVersion}.");
        }

        long payloadLength = BinaryPrimitives.ReadInt64LittleEndian(file[12..]);
        long expected = file.Length - HeaderSize - TrailerSize;
        if (payloadLength != expected)
        {
            throw new InvalidDataException(payloadLength > expected || payloadLength < 0
                ? $"'{path}' is truncated or damaged: its header announces {payloadLength} bytes of content, the file holds {expected}."
                : $"'{path}' is damaged: {expected - payloadLength} unexpected bytes follow its content.");
        }

        uint stored = BinaryPrimitives.ReadUInt32LittleEndian(file[^TrailerSize..]);
        uint actual = Crc32.Compute(file[..^TrailerSize]);
        if (stored != actual)
        {
            throw new InvalidDataException($"'{path}' is damaged: its checksum is 0x{stored:X8}, its content gives 0x{actual:X8}.");
        }

        var reader = new PayloadReader(file[HeaderSize..^TrailerSize], path);
        string modelName = reader.ReadString();
        float[] parameters = reader.ReadFloats();
        int epoch = reader.ReadInt32();
        long step = reader.ReadInt64();
        int seed = reader.ReadInt32();
        int[] randomState = reader.ReadInts();
        OptimizerState? optimizer = null;
        byte hasOptimizer = reader.ReadByte();
        if (hasOptimizer > 1)
        {
            throw reader.Corrupt("bad optimizer flag");
        }

        if (hasOptimizer == 1)
        {
            string kind = reader.ReadString();
            long stepCount = reader.ReadInt64();
            double learningRate = version == 1 ? reader.ReadSingle() : reader.ReadDouble(); // version 1 stored a float32
            int count = reader.ReadCount(minimumBytesEach: 8);
            var buffers = new NamedTensor[count];
            for (int i = 0; i < count; i++)
            {
                string name = reader.ReadString();
                float[] values = reader.ReadFloats();
                buffers[i] = new NamedTensor(name, [values.Length], values);
            }

            optimizer = new OptimizerState(kind, stepCount, learningRate, buffers);
        }

        if (!reader.AtEnd)
        {
            throw reader.Corrupt("unexpected bytes after the content");
        }

        return new CheckpointData(modelName, parameters, optimizer, new TrainingPosition(epoch, step, seed, randomState));
    }

    /// <summary>Reads the payload, throwing <see cref="InvalidDataException"/> rather than running past its end.</summary>
    private ref struct PayloadReader(ReadOnlySpan<byte> data, string path)
    {
        private readonly ReadOnlySpan<byte> _data = data;
        private int _position;

        public readonly bool AtEnd => _position == _data.Length;

        public readonly InvalidDataException Corrupt(string what) =>
            new($"'{path}' is damaged ({what} at byte {HeaderSize + _position}), though its checksum matches: was it written by another program?");

        public byte ReadByte() => Take(1)[0];

        public int ReadInt32() => BinaryPrimitives.ReadInt32LittleEndian(Take(4));

        public long ReadInt64() => BinaryPrimitives.ReadInt64LittleEndian(Take(8));

        public float ReadSingle() => BinaryPrimitives.ReadSingleLittleEndian(Take(4));

        public double ReadDouble() => BinaryPrimitives.ReadDoubleLittleEndian(Take(8));

        public int ReadCount(int minimumBytesEach)
        {
            int count = ReadInt32();
            if (count < 0 || count > (_data.Length - _position) / minimumBytesEach)
            {
                throw Corrupt($"impossible count {count}");
            }

            return count;
        }

        public string ReadString()
        {
            ReadOnlySpan<byte> bytes = Take(ReadCount(1));
            try
            {
                return new UTF8Encoding(false, throwOnInvalidBytes: true).GetString(bytes);
            }
            catch (DecoderFallbackException)
            {
                throw Corrupt("invalid UTF-8");
            }
        }

        public float[] ReadFloats()
        {
            int count = ReadCount(4);
            ReadOnlySpan<byte> bytes = Take(count * 4);
            var values = new float[count];
            if (BitConverter.IsLittleEndian)
            {
                bytes.CopyTo(MemoryMarshal.AsBytes(values.AsSpan()));
            }
            else
            {
                for (int i = 0; i < count; i++)
                {
                    values[i] = BinaryPrimitives.ReadSingleLittleEndian(bytes[(4 * i)..]);
                }
            }

            return values;
        }

        public int[] ReadInts()
        {
            int count = ReadCount(4);
            var values = new int[count];
            for (int i = 0; i < count; i++)
            {
                values[i] = ReadInt32();
            }

            return values;
        }

        private ReadOnlySpan<byte> Take(int count)
        {
            if (count > _data.Length - _position)
            {
                throw Corrupt($"{count} bytes wanted, {_data.Length - _position} left");
            }

            ReadOnlySpan<byte> result = _data.Slice(_position, count);
            _position += count;
            return result;
        }
    }
}
