namespace GenRnn.Samples.Tests;

/// <summary>Runs a command-line entry point with the console redirected (tests in <c>ConsoleCollection</c> only).</summary>
internal static class ConsoleCapture
{
    public static (int Code, string Output, string Error) Run(Func<int> main)
    {
        TextWriter oldOut = Console.Out, oldError = Console.Error;
        var output = new StringWriter();
        var error = new StringWriter();
        Console.SetOut(output);
        Console.SetError(error);
        try
        {
            return (main(), output.ToString(), error.ToString());
        }
        finally
        {
            Console.SetOut(oldOut);
            Console.SetError(oldError);
        }
    }
}
