namespace GenRnn.Tests.Training;

/// <summary>
/// Independent double-precision transcriptions of PyTorch's update rules (torch/optim/sgd.py, adam.py, rmsprop.py,
/// single-tensor path), written element by element without TensorPrimitives.
/// </summary>
internal static class TorchReference
{
    public static double[] Sgd(float[] start, float[][] gradients, double lr, double momentum = 0, double dampening = 0, double weightDecay = 0, bool nesterov = false)
    {
        double[] p = ToDouble(start);
        double[] buf = new double[p.Length];
        for (int t = 0; t < gradients.Length; t++)
        {
            for (int i = 0; i < p.Length; i++)
            {
                double g = gradients[t][i] + weightDecay * p[i];
                if (momentum != 0)
                {
                    buf[i] = t == 0 ? g : momentum * buf[i] + (1 - dampening) * g;
                    g = nesterov ? g + momentum * buf[i] : buf[i];
                }

                p[i] -= lr * g;
            }
        }

        return p;
    }

    public static double[] Adam(float[] start, float[][] gradients, double lr, double beta1 = 0.9, double beta2 = 0.999, double eps = 1e-8, double weightDecay = 0, bool amsgrad = false)
    {
        double[] p = ToDouble(start);
        double[] m = new double[p.Length], v = new double[p.Length], vmax = new double[p.Length];
        for (int t = 1; t <= gradients.Length; t++)
        {
            for (int i = 0; i < p.Length; i++)
            {
                double g = gradients[t - 1][i] + weightDecay * p[i];
                m[i] = beta1 * m[i] + (1 - beta1) * g;
                v[i] = beta2 * v[i] + (1 - beta2) * g * g;
                vmax[i] = Math.Max(vmax[i], v[i]);
                double mHat = m[i] / (1 - Math.Pow(beta1, t));
                double vHat = (amsgrad ? vmax[i] : v[i]) / (1 - Math.Pow(beta2, t));
                p[i] -= lr * mHat / (Math.Sqrt(vHat) + eps);
            }
        }

        return p;
    }

    public static double[] RmsProp(float[] start, float[][] gradients, double lr, double alpha = 0.99, double eps = 1e-8, double weightDecay = 0, double momentum = 0, bool centered = false)
    {
        double[] p = ToDouble(start);
        double[] v = new double[p.Length], a = new double[p.Length], buf = new double[p.Length];
        for (int t = 0; t < gradients.Length; t++)
        {
            for (int i = 0; i < p.Length; i++)
            {
                double g = gradients[t][i] + weightDecay * p[i];
                v[i] = alpha * v[i] + (1 - alpha) * g * g;
                double denominator;
                if (centered)
                {
                    a[i] = alpha * a[i] + (1 - alpha) * g;
                    denominator = Math.Sqrt(v[i] - a[i] * a[i]) + eps;
                }
                else
                {
                    denominator = Math.Sqrt(v[i]) + eps;
                }

                if (momentum > 0)
                {
                    buf[i] = momentum * buf[i] + g / denominator;
                    p[i] -= lr * buf[i];
                }
                else
                {
                    p[i] -= lr * g / denominator;
                }
            }
        }

        return p;
    }

    public static double[] ToDouble(float[] x) => Array.ConvertAll(x, v => (double)v);
}
