package io.fovea.trainer.report;

import io.fovea.trainer.fit.EpochLog;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.List;
import java.util.function.ToDoubleFunction;
import org.jfree.chart.ChartUtils;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.annotations.XYTextAnnotation;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.axis.SymbolAxis;
import org.jfree.chart.plot.PlotOrientation;
import org.jfree.chart.plot.ValueMarker;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.LookupPaintScale;
import org.jfree.chart.renderer.xy.XYBlockRenderer;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.chart.ui.RectangleAnchor;
import org.jfree.chart.ui.TextAnchor;
import org.jfree.data.xy.DefaultXYZDataset;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;
import org.nd4j.evaluation.classification.Evaluation;

/** The report's pictures, drawn with JFreeChart. */
public final class Charts {
    private Charts() {}

    /** Train vs validation of one metric over all epochs of all phases, with the phase changes marked. */
    public static void curves(
            List<EpochLog> history,
            String title,
            String axis,
            ToDoubleFunction<EpochLog> train,
            ToDoubleFunction<EpochLog> validation,
            Path file) {
        XYSeries trainSeries = new XYSeries("train");
        XYSeries validationSeries = new XYSeries("validation");
        for (int i = 0; i < history.size(); i++) {
            trainSeries.add(i + 1, train.applyAsDouble(history.get(i)));
            validationSeries.add(i + 1, validation.applyAsDouble(history.get(i)));
        }
        XYSeriesCollection data = new XYSeriesCollection();
        data.addSeries(trainSeries);
        data.addSeries(validationSeries);
        NumberAxis x = new NumberAxis("epoch");
        x.setStandardTickUnits(NumberAxis.createIntegerTickUnits());
        NumberAxis y = new NumberAxis(axis);
        y.setAutoRangeIncludesZero(false);
        XYLineAndShapeRenderer renderer = new XYLineAndShapeRenderer(true, true);
        renderer.setSeriesPaint(0, new Color(0x1f77b4));
        renderer.setSeriesPaint(1, new Color(0xff7f0e));
        XYPlot plot = new XYPlot(data, x, y, renderer);
        plot.setBackgroundPaint(Color.WHITE);
        plot.setRangeGridlinePaint(Color.LIGHT_GRAY);
        for (int i = 0; i < history.size(); i++) {
            if (i == 0 || !history.get(i).phase().equals(history.get(i - 1).phase())) {
                ValueMarker marker = new ValueMarker(i + 0.5, Color.GRAY, new BasicStroke(1f));
                marker.setLabel(history.get(i).phase());
                marker.setLabelAnchor(RectangleAnchor.TOP_RIGHT);
                marker.setLabelTextAnchor(TextAnchor.TOP_LEFT);
                plot.addDomainMarker(marker);
            }
        }
        save(new JFreeChart(title, JFreeChart.DEFAULT_TITLE_FONT, plot, true), file, 800, 500);
    }

    /** Rows: true class; columns: predicted class; each cell shows its count, shaded by row share. */
    public static void confusionMatrix(Evaluation evaluation, List<String> labels, Path file) {
        int n = labels.size();
        double[] xs = new double[n * n];
        double[] ys = new double[n * n];
        double[] zs = new double[n * n];
        XYPlot plot = new XYPlot();
        for (int actual = 0; actual < n; actual++) {
            int rowTotal = 0;
            for (int predicted = 0; predicted < n; predicted++) {
                rowTotal += evaluation.getConfusionMatrix().getCount(actual, predicted);
            }
            for (int predicted = 0; predicted < n; predicted++) {
                int i = actual * n + predicted;
                int count = evaluation.getConfusionMatrix().getCount(actual, predicted);
                xs[i] = predicted;
                ys[i] = n - 1 - actual;
                zs[i] = rowTotal == 0 ? 0 : (double) count / rowTotal;
                XYTextAnnotation text = new XYTextAnnotation(Integer.toString(count), predicted, n - 1 - actual);
                text.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, n > 12 ? 9 : 12));
                text.setPaint(zs[i] > 0.5 ? Color.WHITE : Color.BLACK);
                plot.addAnnotation(text);
            }
        }
        DefaultXYZDataset data = new DefaultXYZDataset();
        data.addSeries("share of true class", new double[][] {xs, ys, zs});
        LookupPaintScale scale = new LookupPaintScale(0, 1.0001, Color.WHITE);
        for (int step = 0; step <= 20; step++) {
            float v = step / 20f;
            scale.add(v, new Color(1 - 0.8f * v, 1 - 0.6f * v, 1 - 0.2f * v));
        }
        XYBlockRenderer renderer = new XYBlockRenderer();
        renderer.setPaintScale(scale);
        String[] reversed = new String[n];
        for (int i = 0; i < n; i++) {
            reversed[i] = labels.get(n - 1 - i);
        }
        SymbolAxis predictedAxis = new SymbolAxis("predicted", labels.toArray(String[]::new));
        predictedAxis.setVerticalTickLabels(true);
        plot.setDataset(data);
        plot.setDomainAxis(predictedAxis);
        plot.setRangeAxis(new SymbolAxis("true", reversed));
        plot.setRenderer(renderer);
        plot.setBackgroundPaint(Color.WHITE);
        plot.setOrientation(PlotOrientation.VERTICAL);
        JFreeChart chart = new JFreeChart("Confusion matrix (test set)", JFreeChart.DEFAULT_TITLE_FONT, plot, false);
        save(chart, file, 720, 680);
    }

    private static void save(JFreeChart chart, Path file, int width, int height) {
        chart.setBackgroundPaint(Color.WHITE);
        try {
            ChartUtils.saveChartAsPNG(file.toFile(), chart, width, height);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
        }
    }
}
