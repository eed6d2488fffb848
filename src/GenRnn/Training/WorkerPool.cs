namespace GenRnn.Training;

/// <summary>
/// Threads that run one piece of work each per call, the caller doing piece 0. Created once per trainer, so a
/// training step starts no threads and allocates nothing.
/// </summary>
internal sealed class WorkerPool : IDisposable
{
    private readonly Thread[] _threads;
    private readonly Barrier _start;
    private readonly Barrier _done;
    private readonly Exception?[] _errors;
    private Action<int>? _work;
    private volatile bool _stopping;

    public WorkerPool(int count)
    {
        Count = count;
        _errors = new Exception?[count];
        _start = new Barrier(count);
        _done = new Barrier(count);
        _threads = new Thread[count - 1];
        for (int i = 1; i < count; i++)
        {
            int index = i;
            _threads[i - 1] = new Thread(() => Loop(index)) { IsBackground = true, Name = $"GenRnn trainer {i}" };
            _threads[i - 1].Start();
        }
    }

    public int Count { get; }

    /// <summary>Runs work(0..Count-1) in parallel and waits; rethrows the first failure.</summary>
    public void Run(Action<int> work)
    {
        if (Count == 1)
        {
            work(0);
            return;
        }

        _work = work;
        _start.SignalAndWait();
        Execute(0);
        _done.SignalAndWait();
        for (int i = 0; i < Count; i++)
        {
            if (_errors[i] is { } error)
            {
                Array.Clear(_errors);
                throw new AggregateException("A training thread failed.", error);
            }
        }
    }

    public void Dispose()
    {
        if (Count == 1 || _stopping)
        {
            return;
        }

        _stopping = true;
        _start.SignalAndWait();
        foreach (Thread t in _threads)
        {
            t.Join();
        }

        _start.Dispose();
        _done.Dispose();
    }

    private void Loop(int index)
    {
        while (true)
        {
            _start.SignalAndWait();
            if (_stopping)
            {
                return;
            }

            Execute(index);
            _done.SignalAndWait();
        }
    }

    private void Execute(int index)
    {
        try
        {
            _work!(index);
        }
        catch (Exception e)
        {
            _errors[index] = e;
        }
    }
}
