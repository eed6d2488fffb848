using GenRnn.Interop;

namespace GenRnn.Declare;

// genrnn-declare FILE [--name CLASS]: prints the [RecurrentModel] declaration that loads FILE (.safetensors, .onnx, .json).
// Exit codes: 0 printed, 1 the file cannot be read or is not a GenRnn model's, 2 a bad command line.
/// <summary>The genrnn-declare command line.</summary>
public static class Program
{
    /// <summary>Runs the tool; returns the exit code.</summary>
    public static int Main(string[] args)
    {
        const string Usage = "Usage: genrnn-declare FILE [--name CLASS]\n" +
            "  FILE          a .safetensors state_dict (PyTorch names, any module prefix), an .onnx graph of one RNN/LSTM/GRU node,\n" +
            "                or a .json audio model (Automated-GuitarAmpModelling, RTNeural)\n" +
            "  --name CLASS  the class to declare (default: Model)\n" +
            "Prints the [RecurrentModel] declaration whose model loads FILE (SafeTensors.Load, Onnx.Import, AudioModelJson).";

        string? file = null, name = "Model";
        for (int i = 0; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--help" or "-h":
                    Console.WriteLine(Usage);
                    return 0;
                case "--name" when i + 1 < args.Length && System.Text.RegularExpressions.Regex.IsMatch(args[i + 1], "^[A-Za-z_][A-Za-z0-9_]*$"):
                    name = args[++i];
                    break;
                case "--name":
                    Console.Error.WriteLine("genrnn-declare: --name needs a C# identifier.");
                    return 2;
                case string a when a.StartsWith('-'):
                    Console.Error.WriteLine($"genrnn-declare: unknown option '{a}' (--help lists the options).");
                    return 2;
                default:
                    if (file is not null)
                    {
                        Console.Error.WriteLine("genrnn-declare: give one file.");
                        return 2;
                    }

                    file = args[i];
                    break;
            }
        }

        if (file is null)
        {
            Console.Error.WriteLine("genrnn-declare: no file given (--help lists the options).");
            return 2;
        }

        try
        {
            string extension = Path.GetExtension(file).ToLowerInvariant();
            Console.Write(extension switch
            {
                ".safetensors" => ModelDeclaration.FromSafeTensors(file, name),
                ".onnx" => ModelDeclaration.FromOnnx(file, name),
                ".json" => ModelDeclaration.FromAudioJson(file, name),
                _ => throw new InvalidDataException($"'{file}' is neither .safetensors, .onnx nor .json."),
            });
            return 0;
        }
        catch (Exception e) when (e is InvalidDataException or IOException or NotSupportedException or UnauthorizedAccessException)
        {
            Console.Error.WriteLine($"genrnn-declare: {e.Message}");
            return 1;
        }
    }
}
