using GenderML.Core;
using GenderML.Core.Layers;

namespace GenderML.Classifiers;

/// <summary>
/// Reads an N×C×H×W image batch as N sequences of H time steps, each step one row of W·C features:
/// <c>output[n, y, x·C + c] = input[n, c, y, x]</c>. Backward applies the inverse permutation.
/// </summary>
internal sealed class RowsAsSequence(int channels) : Layer
{
    private Tensor? _output, _gradInput;

    public override Tensor Forward(Tensor input)
    {
        int n = input.Dim(0), h = input.Dim(2), w = input.Dim(3);
        if (channels == 1) return input.Reshape(n, h, w);
        if (_output is null || !_output.HasShape(n, h, w * channels)) _output = new Tensor(n, h, w * channels);
        float[] src = input.Data, dst = _output.Data;
        for (int i = 0; i < n; i++)
            for (int c = 0; c < channels; c++)
                for (int y = 0; y < h; y++)
                {
                    int s = ((i * channels + c) * h + y) * w, d = (i * h + y) * w * channels + c;
                    for (int x = 0; x < w; x++) dst[d + x * channels] = src[s + x];
                }
        return _output;
    }

    public override Tensor Backward(Tensor gradOutput)
    {
        int n = gradOutput.Dim(0), h = gradOutput.Dim(1), wc = gradOutput.Dim(2), w = wc / channels;
        if (channels == 1) return gradOutput.Reshape(n, 1, h, w);
        if (_gradInput is null || !_gradInput.HasShape(n, channels, h, w)) _gradInput = new Tensor(n, channels, h, w);
        float[] src = gradOutput.Data, dst = _gradInput.Data;
        for (int i = 0; i < n; i++)
            for (int c = 0; c < channels; c++)
                for (int y = 0; y < h; y++)
                {
                    int d = ((i * channels + c) * h + y) * w, s = (i * h + y) * wc + c;
                    for (int x = 0; x < w; x++) dst[d + x] = src[s + x * channels];
                }
        return _gradInput;
    }
}
