using System.ComponentModel;
using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace GenRnn;

/// <summary>
/// The second core of models declared with <see cref="RecurrentModelAttribute.Cores"/> = 2: one background thread per
/// process that computes part of a step's gate rows while the calling thread computes the rest, so each core reads
/// only its part of the weights (for an LSTM (64, 256), about 650 KB each: each part stays in its core's L2).
/// </summary>
/// <remarks>
/// <para>
/// The protocol: a caller takes the partner (<see cref="TryAcquire"/>), then per layer posts the partner's part
/// (<see cref="Post"/>), computes its own and joins (<see cref="Join"/>), and finally lets it go (<see cref="Release"/>).
/// A posted part is either claimed by the partner or taken back by the caller: if the partner has not claimed it by
/// the time the caller has finished its own part (the partner asleep, or preempted on a loaded machine), the caller
/// computes it itself. A step therefore never waits for a thread that is not running, and its result does not depend
/// on who computed which part (the same kernel calls either way).
/// </para>
/// <para>
/// The partner spins while jobs keep coming (a round trip between the two cores of the reference machine took about
/// 600 ns; waking a sleeping thread takes tens of microseconds), and goes to sleep after <see cref="SpinTime"/> without
/// one. Its thread starts on the first job and is a background thread: it never keeps a process alive. On a machine
/// with one core it never starts. Posting allocates nothing.
/// </para>
/// </remarks>
public sealed class CorePartner
{
    /// <summary>How long the partner keeps spinning for the next job before it goes to sleep.</summary>
    public static readonly TimeSpan SpinTime = TimeSpan.FromMilliseconds(2);

    private const int Idle = 0, Posted = 1, Claimed = 2, Done = 3;

    // Written by the caller and polled by the partner: a cache line of its own. The caller's lock and the partner's
    // sleeping flag (written only when it goes to sleep) share another, which so stays in the caller's cache.
    private readonly Line _job = new();
    private readonly OwnerLine _own = new();
    private readonly ManualResetEventSlim _wake = new(false);
    private readonly Lock _start = new();
    private readonly bool _enabled = Environment.ProcessorCount > 1;
    private Thread? _thread;

    private CorePartner()
    {
    }

    /// <summary>The process's partner, shared by every model with <c>Cores = 2</c>.</summary>
    public static CorePartner Shared { get; } = new();

    /// <summary>Jobs the partner has computed since the process started (for tests and diagnostics).</summary>
    public long JobsRun => Interlocked.Read(ref _job.Runs);

    /// <summary>
    /// Takes the partner for the calling thread, unless another caller has it (then returns false, and the caller
    /// computes every part itself). Take it before writing what the partner will read: taking it is a full fence,
    /// which waits for the caller's pending writes, and writes to memory the partner last read wait for that core.
    /// </summary>
    /// <returns>Whether the caller now has the partner, until <see cref="Release"/>.</returns>
    public bool TryAcquire()
    {
        if (!_enabled || Interlocked.CompareExchange(ref _own.Owner, 1, 0) != 0)
        {
            return false;
        }

        if (_thread is null)
        {
            Start();
        }

        return true;
    }

    /// <summary>Lets other callers take the partner (after <see cref="TryAcquire"/> returned true).</summary>
    public void Release() => Volatile.Write(ref _own.Owner, 0);

    /// <summary>
    /// Posts <paramref name="part"/> of <paramref name="target"/> for the partner; the caller must then compute its own
    /// part and call <see cref="Join"/>. Only between <see cref="TryAcquire"/> (true) and <see cref="Release"/>.
    /// </summary>
    /// <param name="target">The model whose <see cref="ISplitStep.RunPart"/> the partner calls.</param>
    /// <param name="part">What the partner is to compute (the model's own encoding).</param>
    public void Post(ISplitStep target, int part)
    {
        _job.Target = target;
        _job.Part = part;
        Volatile.Write(ref _job.State, Posted); // a release: the partner that sees Posted sees Target and Part

        // No fence: if this read misses a partner that has just gone to sleep, Join takes the job back, and the next
        // post sees the flag.
        if (Volatile.Read(ref _own.Sleeping) != 0)
        {
            _wake.Set();
        }
    }

    /// <summary>
    /// Completes the posted job: waits for the partner if it claimed the job, or runs it on the calling thread if it
    /// had not.
    /// </summary>
    public void Join()
    {
        int state = Volatile.Read(ref _job.State);
        if (state == Posted && Interlocked.CompareExchange(ref _job.State, Idle, Posted) == Posted)
        {
            ISplitStep target = _job.Target!;
            _job.Target = null; // the partner holds no model between jobs
            target.RunPart(_job.Part); // taken back: the partner had not started it
        }
        else
        {
            while (Volatile.Read(ref _job.State) != Done)
            {
            }
        }
    }

    /// <summary>
    /// Reads one float of every cache line of <paramref name="floats"/> floats from <paramref name="start"/>, all at
    /// once: a core about to read what the other core has just written brings those lines over in parallel (one
    /// core-to-core latency) instead of one after another as the kernels reach them.
    /// </summary>
    /// <param name="start">The first float.</param>
    /// <param name="floats">How many floats.</param>
    [EditorBrowsable(EditorBrowsableState.Never)]
    public static void Touch(ref float start, int floats)
    {
        for (int i = 0; i < floats; i += 16)
        {
            _ = Volatile.Read(ref Unsafe.Add(ref start, i)); // volatile: the JIT keeps the unused reads
        }
    }

    private void Start()
    {
        lock (_start)
        {
            if (_thread is null)
            {
                var thread = new Thread(Run) { IsBackground = true, Name = "GenRnn core partner" };
                thread.Start();
                _thread = thread;
            }
        }
    }

    private void Run()
    {
        long spinTicks = (long)(SpinTime.TotalSeconds * Stopwatch.Frequency);
        long idleSince = Stopwatch.GetTimestamp();
        while (true)
        {
            for (int i = 0; i < 4096; i++)
            {
                // Reads first, so that the spinning keeps a shared copy of the line instead of taking it from the caller.
                if (Volatile.Read(ref _job.State) == Posted && Interlocked.CompareExchange(ref _job.State, Claimed, Posted) == Posted)
                {
                    ISplitStep target = _job.Target!;
                    _job.Target = null; // on this core's line already: holds no model between jobs, at no cost
                    target.RunPart(_job.Part);
                    _job.Runs++;
                    Volatile.Write(ref _job.State, Done);
                    idleSince = Stopwatch.GetTimestamp();
                    i = 0;
                }
            }

            if (Stopwatch.GetTimestamp() - idleSince < spinTicks)
            {
                continue;
            }

            Volatile.Write(ref _own.Sleeping, 1);
            if (Volatile.Read(ref _job.State) != Posted)
            {
                _wake.Wait();
            }

            _wake.Reset();
            Volatile.Write(ref _own.Sleeping, 0);
            idleSince = Stopwatch.GetTimestamp();
        }
    }

    // The job's fields on a cache line of their own (explicit offsets: the runtime reorders a class's fields otherwise).
    [StructLayout(LayoutKind.Explicit, Size = 192)]
    private sealed class Line
    {
        [FieldOffset(64)]
        public int State;

        [FieldOffset(68)]
        public int Part;

        [FieldOffset(72)]
        public long Runs;

        [FieldOffset(80)]
        public ISplitStep? Target;
    }

    [StructLayout(LayoutKind.Explicit, Size = 192)]
    private sealed class OwnerLine
    {
        [FieldOffset(64)]
        public int Owner;

        [FieldOffset(68)]
        public int Sleeping;
    }
}
