<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="de_DE">
<context>
    <name>main</name>
    <message>
        <location filename="../app/workbench/main.cpp" line="+20"/>
        <source>QK-OV interference workbench</source>
        <translation>QK-OV-Interferenz-Workbench</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Dataset file of task A.</source>
        <translation>Datensatzdatei von Aufgabe A.</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Dataset file of task B.</source>
        <translation>Datensatzdatei von Aufgabe B.</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Run the analysis once both tasks are loaded.</source>
        <translation>Die Analyse starten, sobald beide Aufgaben geladen sind.</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Permutations (and bootstrap resamples) for this run.</source>
        <translation>Permutationen (und Bootstrap-Stichproben) für diesen Lauf.</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Write PNGs of the window and every panel into DIR, then quit.</source>
        <translation>PNGs des Fensters und jedes Panels in DIR schreiben, dann beenden.</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Open the embedded demo model with its two tasks (trained on first use).</source>
        <translation>Das eingebaute Demo-Modell mit seinen beiden Aufgaben öffnen (wird beim ersten Mal trainiert).</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>A model (folder, .safetensors, llama2.c .bin) or a .qkov session.</source>
        <translation>Ein Modell (Ordner, .safetensors, llama2.c-.bin) oder eine .qkov-Sitzung.</translation>
    </message>
</context>
<context>
    <name>qkov::AnalysisRunner</name>
    <message>
        <location filename="../widgets/AnalysisRunner.cpp" line="+36"/>
        <source>open a model before running the analysis</source>
        <translation>öffnen Sie ein Modell, bevor Sie die Analyse starten</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>task A has no dataset</source>
        <translation>Aufgabe A hat keinen Datensatz</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>task B has no dataset</source>
        <translation>Aufgabe B hat keinen Datensatz</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>during an analysis only zero freezing is available; mean, noise and resample need reference activations (set the frozen heads to zero, or clear them)</source>
        <translation>während einer Analyse ist nur Einfrieren mit Null verfügbar; Mittelwert, Rauschen und Resampling brauchen Referenzaktivierungen (setzen Sie die eingefrorenen Köpfe auf Null oder heben Sie das Einfrieren auf)</translation>
    </message>
    <message>
        <location line="+17"/>
        <source>Analysis: %1 vs %2 (%3)</source>
        <translation>Analyse: %1 gegen %2 (%3)</translation>
    </message>
</context>
<context>
    <name>qkov::AnalysisSettingsPanel</name>
    <message>
        <location filename="../widgets/AnalysisSettingsPanel.cpp" line="+77"/>
        <source>all records</source>
        <translation>alle Einträge</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Q/K/V biases</source>
        <translation>Q/K/V-Biases</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>mean</source>
        <translation>Mittelwert</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>ema (moving average)</source>
        <translation>ema (gleitender Mittelwert)</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>pooled (tasks A and B)</source>
        <translation>gepoolt (Aufgaben A und B)</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>a (task A only)</source>
        <translation>a (nur Aufgabe A)</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Fisher reference warning</source>
        <translation>Warnung zur Fisher-Referenz</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>abs</source>
        <translation>abs (Betrag)</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>signed</source>
        <translation>vorzeichenbehaftet</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>symmetric</source>
        <translation>symmetrisch</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>block (each block alone)</source>
        <translation>Block (jeder Block für sich)</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>all blocks jointly</source>
        <translation>alle Blöcke gemeinsam</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>all cores</source>
        <translation>alle Kerne</translation>
    </message>
    <message>
        <location line="+2"/>
        <source> MB</source>
        <translation> MB</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>float32</source>
        <translation>float32</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>bfloat16</source>
        <translation>bfloat16</translation>
    </message>
    <message>
        <location line="+11"/>
        <source>Samples</source>
        <translation>Beispiele</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Max length:</source>
        <translation>Max. Länge:</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Tokens per sample after truncation (default 128). A sample needs at least 2 tokens.</source>
        <translation>Tokens pro Beispiel nach dem Kürzen (Standard 128). Ein Beispiel braucht mindestens 2 Tokens.</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Max samples:</source>
        <translation>Max. Beispiele:</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Samples read per task; 0 reads all records. Reading stops once the limit is reached.</source>
        <translation>Je Aufgabe gelesene Beispiele; 0 liest alle Einträge. Das Lesen endet, sobald die Grenze erreicht ist.</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Batch size:</source>
        <translation>Batchgröße:</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Samples per batched forward/backward pass (default 8). Every sample has the same weight, whatever batch it shares.</source>
        <translation>Beispiele pro gebündeltem Vorwärts-/Rückwärtsdurchlauf (Standard 8). Jedes Beispiel hat dasselbe Gewicht, gleich mit welchen anderen es einen Batch teilt.</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Include bias:</source>
        <translation>Bias einbeziehen:</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Adds the Q/K/V biases, row-sliced like their weights (off by default). The O bias is not per head and is never included.</source>
        <translation>Nimmt die Q/K/V-Biases hinzu, zeilenweise geschnitten wie ihre Gewichte (standardmäßig aus). Der O-Bias gehört zu keinem einzelnen Kopf und wird nie einbezogen.</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Fisher reference</source>
        <translation>Fisher-Referenz</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Fisher:</source>
        <translation>Fisher:</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>mean: I = (1/|R|) sum of C_i = g_i * g_i (default). ema: an exponential moving average over R in collection order (all of task A, then task B), bias-corrected.</source>
        <translation>Mittelwert: I = (1/|R|) Summe der C_i = g_i * g_i (Standard). ema: ein exponentiell gleitender Mittelwert über R in Sammelreihenfolge (erst ganz Aufgabe A, dann Aufgabe B), bias-korrigiert.</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Beta:</source>
        <translation>Beta:</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Decay of the ema Fisher, F_t = beta F_{t-1} + (1 - beta) C_t, bias-corrected by 1 - beta^n (default 0.99). Used only with ema.</source>
        <translation>Zerfall der ema-Fisher-Information, F_t = beta F_{t-1} + (1 - beta) C_t, bias-korrigiert mit 1 - beta^n (Standard 0.99). Nur mit ema verwendet.</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Reference:</source>
        <translation>Referenz:</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>The samples R the Fisher is taken over: pooled = tasks A and B together (default), a = task A only.</source>
        <translation>Die Beispiele R, über die die Fisher-Information gebildet wird: gepoolt = Aufgaben A und B zusammen (Standard), a = nur Aufgabe A.</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Epsilon:</source>
        <translation>Epsilon:</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Floor of the Fisher before the ridge: I_reg = max(I, eps) + lambda (default 1e-30).</source>
        <translation>Untergrenze der Fisher-Information vor dem Ridge-Term: I_reg = max(I, eps) + lambda (Standard 1e-30).</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Ridge (relative):</source>
        <translation>Ridge (relativ):</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>lambda = ridge_rel * mean(I over the layer&apos;s block) + ridge_abs (default 1e-3). The relative ridge keeps scores unchanged in ranking when the loss is rescaled.</source>
        <translation>lambda = ridge_rel * Mittelwert(I über den Block der Schicht) + ridge_abs (Standard 1e-3). Mit dem relativen Ridge-Term bleibt die Rangfolge der Scores erhalten, wenn der Loss skaliert wird.</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Ridge (absolute):</source>
        <translation>Ridge (absolut):</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>An absolute term added to lambda (default 0). Unlike the relative ridge it does not follow the loss&apos;s scale.</source>
        <translation>Ein absoluter Term, der zu lambda addiert wird (Standard 0). Anders als der relative Ridge-Term folgt er nicht der Skala des Loss.</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Scores</source>
        <translation>Scores</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Variant:</source>
        <translation>Variante:</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>abs: sum over the head&apos;s slice of C_i / I_reg * |g_j| (&gt;= 0, default). signed: sum of g_i g_j / I_reg (negative = the tasks pull the head&apos;s weights apart). symmetric: the mean of M(A,B) and M(B,A).</source>
        <translation>abs: Summe über den Ausschnitt des Kopfes von C_i / I_reg * |g_j| (&gt;= 0, Standard). vorzeichenbehaftet (signed): Summe von g_i g_j / I_reg (negativ = die Aufgaben ziehen die Gewichte des Kopfes auseinander). symmetrisch: der Mittelwert von M(A,B) und M(B,A).</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Top conflicts:</source>
        <translation>Top-Konflikte:</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>How many of the largest (block, layer, head, sample pair) scores the conflicts table lists (default 50).</source>
        <translation>Wie viele der größten Scores (Block, Schicht, Kopf, Beispielpaar) die Konflikttabelle aufführt (Standard 50).</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Statistics</source>
        <translation>Statistik</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Permutations:</source>
        <translation>Permutationen:</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Task-label permutations for each head&apos;s two-sided p-value, with the +1 correction (default 1000, seeded).</source>
        <translation>Permutationen der Aufgabenzuordnung für den zweiseitigen p-Wert jedes Kopfes, mit +1-Korrektur (Standard 1000, mit Seed).</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Bootstrap:</source>
        <translation>Bootstrap:</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Two-way bootstrap resamples (task A and B indices independently) for the 95 % percentile CI of each head&apos;s mean score (default 1000, seeded).</source>
        <translation>Zweifache Bootstrap-Stichproben (Indizes von Aufgabe A und B unabhängig) für das 95-%-Perzentil-KI des mittleren Scores jedes Kopfes (Standard 1000, mit Seed).</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Alpha:</source>
        <translation>Alpha:</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>A head is flagged when its Benjamini-Hochberg q-value is below alpha (default 0.05) and |z| reaches the minimum effect.</source>
        <translation>Ein Kopf wird markiert, wenn sein Benjamini-Hochberg-q-Wert unter alpha liegt (Standard 0.05) und |z| den Mindesteffekt erreicht.</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Min effect |z|:</source>
        <translation>Mindesteffekt |z|:</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>The smallest |z| = |S - null mean| / null sd for which a head is flagged (default 0.2).</source>
        <translation>Das kleinste |z| = |S - Nullmittelwert| / Null-SD, bei dem ein Kopf markiert wird (Standard 0.2).</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>FDR family:</source>
        <translation>FDR-Familie:</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>The heads corrected together by Benjamini-Hochberg: all heads of one block (default), or all blocks jointly.</source>
        <translation>Die Köpfe, die Benjamini-Hochberg gemeinsam korrigiert: alle Köpfe eines Blocks (Standard) oder alle Blöcke gemeinsam.</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Seed:</source>
        <translation>Seed:</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Seed of the permutations and bootstrap resamples (default 0): the same seed gives the same p-values and CIs.</source>
        <translation>Seed der Permutationen und Bootstrap-Stichproben (Standard 0): derselbe Seed ergibt dieselben p-Werte und KIs.</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Resources</source>
        <translation>Ressourcen</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Threads:</source>
        <translation>Threads:</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Compute threads for LibTorch and OpenBLAS alike; 0 uses all cores (default).</source>
        <translation>Rechen-Threads für LibTorch und OpenBLAS gleichermaßen; 0 nutzt alle Kerne (Standard).</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Memory budget:</source>
        <translation>Speicherbudget:</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Per-sample gradients beyond this budget spill to a temporary file in the cache folder (default 4096 MB, at least 64).</source>
        <translation>Gradienten pro Beispiel über dieses Budget hinaus werden in eine temporäre Datei im Cache-Ordner ausgelagert (Standard 4096 MB, mindestens 64).</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Gradient storage:</source>
        <translation>Gradientenspeicher:</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Precision of the stored per-sample gradients: float32 (default) or bfloat16 (half the memory, about 3 significant digits).</source>
        <translation>Genauigkeit der gespeicherten Gradienten pro Beispiel: float32 (Standard) oder bfloat16 (halber Speicher, etwa 3 signifikante Stellen).</translation>
    </message>
    <message>
        <location line="+13"/>
        <source>Settings error</source>
        <translation>Einstellungsfehler</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Restore defaults</source>
        <translation>Standardwerte wiederherstellen</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Sets every option back to its METRIC.md default.</source>
        <translation>Setzt jede Option auf ihren Standardwert aus METRIC.md zurück.</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Run analysis</source>
        <translation>Analyse starten</translation>
    </message>
    <message>
        <location line="+75"/>
        <source>CLI: %1</source>
        <translation>CLI: %1</translation>
    </message>
    <message>
        <location line="+94"/>
        <source>must be a whole number from 0 to 18446744073709551615</source>
        <translation>muss eine ganze Zahl von 0 bis 18446744073709551615 sein</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>%1 %2 (%3)</source>
        <translation>%1 %2 (%3)</translation>
    </message>
    <message>
        <location line="+17"/>
        <source>Disabled: beta is used only by the ema Fisher.</source>
        <translation>Deaktiviert: Beta wird nur von der ema-Fisher-Information verwendet.</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>With reference &apos;a&apos; and the mean Fisher the sample-averaged map degenerates: each head&apos;s score is just task B&apos;s gradient mass on its slice, whatever task A is. The pooled reference avoids this.</source>
        <translation>Mit Referenz &apos;a&apos; und der Mittelwert-Fisher-Information entartet die über Beispiele gemittelte Karte: der Score jedes Kopfes ist dann nur die Gradientenmasse von Aufgabe B auf seinem Ausschnitt, gleich was Aufgabe A ist. Die gepoolte Referenz vermeidet das.</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>With reference &apos;a&apos; the permutation null must recompute the Fisher for every permutation, which this build does not do: the analysis then needs permutations set to 0 and gives scores without p-values.</source>
        <translation>Mit Referenz &apos;a&apos; müsste die Permutations-Nullverteilung die Fisher-Information für jede Permutation neu berechnen, was dieser Build nicht tut: die Analyse braucht dann 0 Permutationen und liefert Scores ohne p-Werte.</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>An analysis is running: cancel it in the Jobs panel (Esc) to start another.</source>
        <translation>Eine Analyse läuft: brechen Sie sie im Jobs-Panel ab (Esc), um eine neue zu starten.</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Open a model first.</source>
        <translation>Öffnen Sie zuerst ein Modell.</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Task B</source>
        <translation>Aufgabe B</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Task A</source>
        <translation>Aufgabe A</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>%1 needs a dataset: open one in the Tasks panel.</source>
        <translation>%1 braucht einen Datensatz: öffnen Sie einen im Aufgaben-Panel.</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>%1 is still being tokenized.</source>
        <translation>%1 wird noch tokenisiert.</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>%1 could not be loaded: %2</source>
        <translation>%1 konnte nicht geladen werden: %2</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>%1 has no usable samples.</source>
        <translation>%1 hat keine verwendbaren Beispiele.</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Fix the settings first: %1</source>
        <translation>Korrigieren Sie zuerst die Einstellungen: %1</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>The model or the tasks are not ready.</source>
        <translation>Das Modell oder die Aufgaben sind nicht bereit.</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>Collect gradients on both tasks and compute the QK-OV interference (F5).</source>
        <translation>Gradienten auf beiden Aufgaben sammeln und die QK-OV-Interferenz berechnen (F5).</translation>
    </message>
</context>
<context>
    <name>qkov::AttentionPatternPlot</name>
    <message>
        <location filename="../widgets/AttentionPatternPlot.cpp" line="+32"/>
        <source>Attention pattern of the selected head, baseline and frozen</source>
        <translation>Aufmerksamkeitsmuster des ausgewählten Kopfes, Basis und eingefroren</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>attention</source>
        <translation>Aufmerksamkeit</translation>
    </message>
    <message>
        <location line="+1"/>
        <location line="+159"/>
        <source>baseline</source>
        <translation>Basis</translation>
    </message>
    <message>
        <location line="-158"/>
        <location line="+158"/>
        <source>frozen</source>
        <translation>eingefroren</translation>
    </message>
    <message>
        <location line="-92"/>
        <source>key (%1)</source>
        <translation>Key (%1)</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>query</source>
        <translation>Query</translation>
    </message>
    <message>
        <location line="+90"/>
        <source>%1
query %2 &apos;%3&apos; -&gt; key %4 &apos;%5&apos;
attention %6</source>
        <translation>%1
Query %2 &apos;%3&apos; -&gt; Key %4 &apos;%5&apos;
Aufmerksamkeit %6</translation>
    </message>
</context>
<context>
    <name>qkov::BlockComparisonPlot</name>
    <message>
        <location filename="../widgets/BlockComparisonPlot.cpp" line="+13"/>
        <source>Block comparison</source>
        <translation>Blockvergleich</translation>
    </message>
    <message>
        <location line="+60"/>
        <source>Head (block %1)</source>
        <translation>Kopf (Block %1)</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Layer</source>
        <translation>Schicht</translation>
    </message>
    <message>
        <location line="+45"/>
        <source>Block %1</source>
        <translation>Block %1</translation>
    </message>
    <message>
        <location line="+12"/>
        <source>Mean over heads</source>
        <translation>Mittelwert über die Köpfe</translation>
    </message>
    <message>
        <location line="+105"/>
        <source>Block %1, layer %2, head %3
score %4</source>
        <translation>Block %1, Schicht %2, Kopf %3
Score %4</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>
Flagged (FDR)</source>
        <translation>
Markiert (FDR)</translation>
    </message>
</context>
<context>
    <name>qkov::ConflictsModel</name>
    <message>
        <location filename="../core/itemmodels/ConflictsModel.cpp" line="+17"/>
        <source>n/a</source>
        <translation>k. A.</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>%1, sample %2</source>
        <translation>%1, Beispiel %2</translation>
    </message>
    <message>
        <location line="+68"/>
        <source>yes</source>
        <translation>ja</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>no</source>
        <translation>nein</translation>
    </message>
    <message>
        <location line="+48"/>
        <source>The head&apos;s q value passes the FDR threshold</source>
        <translation>Der q-Wert des Kopfes besteht die FDR-Schwelle</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Not significant after FDR control</source>
        <translation>Nach FDR-Kontrolle nicht signifikant</translation>
    </message>
    <message>
        <location line="+18"/>
        <source>Block</source>
        <translation>Block</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Layer</source>
        <translation>Schicht</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Head</source>
        <translation>Kopf</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Sample A</source>
        <translation>Beispiel A</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Text A</source>
        <translation>Text A</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Sample B</source>
        <translation>Beispiel B</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Text B</source>
        <translation>Text B</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Score</source>
        <translation>Score</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>p</source>
        <translation>p</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>q</source>
        <translation>q</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>FDR</source>
        <translation>FDR</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Interference of this sample pair at this head (METRIC.md)</source>
        <translation>Interferenz dieses Beispielpaars an diesem Kopf (METRIC.md)</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Permutation p value of the head&apos;s mean score</source>
        <translation>Permutations-p-Wert des mittleren Scores des Kopfes</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Benjamini-Hochberg q value of the head</source>
        <translation>Benjamini-Hochberg-q-Wert des Kopfes</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Flagged: significant after FDR control and above the minimum effect</source>
        <translation>Markiert: signifikant nach FDR-Kontrolle und über dem Mindesteffekt</translation>
    </message>
</context>
<context>
    <name>qkov::ConflictsPanel</name>
    <message>
        <location filename="../widgets/ConflictsPanel.cpp" line="+56"/>
        <source>F&amp;ollow selection</source>
        <translation>&amp;Auswahl folgen</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>&amp;Flagged only</source>
        <translation>&amp;Nur markierte</translation>
    </message>
    <message>
        <location line="+1"/>
        <location line="+36"/>
        <source>E&amp;xport CSV...</source>
        <translation>CSV e&amp;xportieren...</translation>
    </message>
    <message>
        <location line="-35"/>
        <source>&amp;Copy rows as TSV</source>
        <translation>Zeilen als TSV &amp;kopieren</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Conflicts</source>
        <translation>Konflikte</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Top conflicting sample pairs</source>
        <translation>Die am stärksten konkurrierenden Beispielpaare</translation>
    </message>
    <message>
        <location line="+15"/>
        <source>Block filter</source>
        <translation>Blockfilter</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>All blocks</source>
        <translation>Alle Blöcke</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Block %1</source>
        <translation>Block %1</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Layer filter</source>
        <translation>Schichtfilter</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Head filter</source>
        <translation>Kopffilter</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Show only the conflicts of the head selected in the heatmaps, tree or grids</source>
        <translation>Nur die Konflikte des Kopfes zeigen, der in den Heatmaps, im Baum oder in den Rastern ausgewählt ist</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Show only heads flagged after FDR control</source>
        <translation>Nur Köpfe zeigen, die nach FDR-Kontrolle markiert sind</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Search both samples...</source>
        <translation>Beide Beispiele durchsuchen...</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Search in samples</source>
        <translation>In den Beispielen suchen</translation>
    </message>
    <message>
        <location line="+70"/>
        <source>Any layer</source>
        <translation>Jede Schicht</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Layer %1</source>
        <translation>Schicht %1</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Any head</source>
        <translation>Jeder Kopf</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Head %1</source>
        <translation>Kopf %1</translation>
    </message>
    <message>
        <location line="+39"/>
        <source>No analysis result yet: load two tasks and press F5 to list the top conflicts.</source>
        <translation>Noch kein Analyseergebnis: laden Sie zwei Aufgaben und drücken Sie F5, um die Top-Konflikte aufzulisten.</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>%1 of %2 conflicts shown</source>
        <translation>%1 von %2 Konflikten angezeigt</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Write the visible rows to a CSV file</source>
        <translation>Die sichtbaren Zeilen in eine CSV-Datei schreiben</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>There are no conflicts to export yet</source>
        <translation>Es gibt noch keine Konflikte zum Exportieren</translation>
    </message>
    <message>
        <location line="+46"/>
        <source>cannot open the file for writing (%1)</source>
        <translation>die Datei kann nicht zum Schreiben geöffnet werden (%1)</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>could not write the file (%1)</source>
        <translation>die Datei konnte nicht geschrieben werden (%1)</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Export CSV</source>
        <translation>CSV exportieren</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>No rows are visible: clear the filters first.</source>
        <translation>Keine Zeilen sichtbar: setzen Sie zuerst die Filter zurück.</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Export conflicts</source>
        <translation>Konflikte exportieren</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>CSV (*.csv)</source>
        <translation>CSV (*.csv)</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>Export failed</source>
        <translation>Export fehlgeschlagen</translation>
    </message>
</context>
<context>
    <name>qkov::FigureExport</name>
    <message>
        <location filename="../widgets/FigureExport.cpp" line="+18"/>
        <source>signed interference M</source>
        <translation>vorzeichenbehaftete Interferenz M</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>interference M</source>
        <translation>Interferenz M</translation>
    </message>
    <message>
        <location line="+21"/>
        <source>Block %1 - %2 - %3 vs %4</source>
        <translation>Block %1 - %2 - %3 gegen %4</translation>
    </message>
    <message>
        <location line="+20"/>
        <source>Blocks compared - %1 - %2 vs %3</source>
        <translation>Blöcke im Vergleich - %1 - %2 gegen %3</translation>
    </message>
    <message>
        <location line="+16"/>
        <source>cannot create the folder</source>
        <translation>der Ordner kann nicht angelegt werden</translation>
    </message>
    <message>
        <location line="+7"/>
        <location line="+7"/>
        <source>could not write the PDF</source>
        <translation>das PDF konnte nicht geschrieben werden</translation>
    </message>
</context>
<context>
    <name>qkov::FreezeCommands</name>
    <message>
        <location filename="../widgets/FreezeCommands.cpp" line="+30"/>
        <source>QK</source>
        <translation>QK</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>OV</source>
        <translation>OV</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>head</source>
        <translation>Kopf</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>zero</source>
        <translation>Null</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>mean</source>
        <translation>Mittelwert</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>noise</source>
        <translation>Rauschen</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>resample</source>
        <translation>Resampling</translation>
    </message>
    <message>
        <location line="+30"/>
        <source>Unfreeze %1</source>
        <translation>Einfrieren von %1 aufheben</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>Freeze %1</source>
        <translation>%1 einfrieren</translation>
    </message>
    <message>
        <location line="+18"/>
        <source>Set %1 %2 to %3</source>
        <translation>%1 %2 auf %3 setzen</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Set 1 freeze to %1</source>
        <translation>1 Einfrierung auf %1 setzen</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Set %1 freezes to %2</source>
        <translation>%1 Einfrierungen auf %2 setzen</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>Clear 1 freeze</source>
        <translation>1 Einfrierung aufheben</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Clear %1 freezes</source>
        <translation>%1 Einfrierungen aufheben</translation>
    </message>
</context>
<context>
    <name>qkov::FreezeGrid</name>
    <message>
        <location filename="../widgets/FreezeGrid.cpp" line="+45"/>
        <source>Freezing grid</source>
        <translation>Einfrier-Raster</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Layers by heads. Arrow keys move, Space freezes or unfreezes the focused head.</source>
        <translation>Schichten mal Köpfe. Die Pfeiltasten bewegen den Fokus, die Leertaste friert den fokussierten Kopf ein oder hebt das Einfrieren auf.</translation>
    </message>
    <message>
        <location line="+129"/>
        <source>%1 frozen (%2)</source>
        <translation>%1 eingefroren (%2)</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>not frozen</source>
        <translation>nicht eingefroren</translation>
    </message>
    <message>
        <location line="+11"/>
        <source>Open a model to freeze its heads.</source>
        <translation>Öffnen Sie ein Modell, um seine Köpfe einzufrieren.</translation>
    </message>
</context>
<context>
    <name>qkov::FreezingPanel</name>
    <message>
        <location filename="../widgets/FreezingPanel.cpp" line="+28"/>
        <source>Apply to all</source>
        <translation>Auf alle anwenden</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Clear all</source>
        <translation>Alle aufheben</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Freezing</source>
        <translation>Einfrieren</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>QK (Q)</source>
        <translation>QK (Q)</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>OV (O)</source>
        <translation>OV (O)</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Whole head (H)</source>
        <translation>Ganzer Kopf (H)</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Which circuit a click freezes: the head&apos;s query/key vectors (QK), its value vectors (OV), or both.</source>
        <translation>Welchen Schaltkreis ein Klick einfriert: die Query-/Key-Vektoren des Kopfes (QK), seine Value-Vektoren (OV) oder beide.</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Circuit</source>
        <translation>Schaltkreis</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>zero (0)</source>
        <translation>Null (0)</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>mean (m)</source>
        <translation>Mittelwert (m)</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>noise (n)</source>
        <translation>Rauschen (n)</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>resample (r)</source>
        <translation>Resampling (r)</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>How new freezes replace the values: zero, the reference mean, Gaussian noise of the reference variance, or values resampled from the reference. The probe uses its prompt as the reference. Right-click a frozen cell to change its method.</source>
        <translation>Wie neue Einfrierungen die Werte ersetzen: durch Null, den Referenzmittelwert, Gaußsches Rauschen mit der Referenzvarianz oder aus der Referenz neu gezogene Werte. Die Probe verwendet ihren Prompt als Referenz. Mit einem Rechtsklick auf eine eingefrorene Zelle ändern Sie deren Methode.</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Method for new freezes</source>
        <translation>Methode für neue Einfrierungen</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Give every frozen circuit the selected method (one undo step).</source>
        <translation>Jedem eingefrorenen Schaltkreis die gewählte Methode geben (ein Rückgängig-Schritt).</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>&amp;Circuit:</source>
        <translation>&amp;Schaltkreis:</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>&amp;Method:</source>
        <translation>&amp;Methode:</translation>
    </message>
    <message>
        <location line="+11"/>
        <source>Frozen heads</source>
        <translation>Eingefrorene Köpfe</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Click or Space: freeze/unfreeze. Letters: Q = QK, O = OV, H = whole head; corner: 0 zero, m mean, n noise, r resample.</source>
        <translation>Klick oder Leertaste: einfrieren/aufheben. Buchstaben: Q = QK, O = OV, H = ganzer Kopf; Ecke: 0 Null, m Mittelwert, n Rauschen, r Resampling.</translation>
    </message>
    <message>
        <location line="+114"/>
        <source>No heads frozen</source>
        <translation>Keine Köpfe eingefroren</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>1 head frozen</source>
        <translation>1 Kopf eingefroren</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>%1 heads frozen</source>
        <translation>%1 Köpfe eingefroren</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>(%1 circuits)</source>
        <translation>(%1 Schaltkreise)</translation>
    </message>
    <message>
        <location line="+21"/>
        <source>Nothing is frozen.</source>
        <translation>Nichts ist eingefroren.</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Unfreeze every head (one undo step).</source>
        <translation>Das Einfrieren aller Köpfe aufheben (ein Rückgängig-Schritt).</translation>
    </message>
    <message>
        <location line="+14"/>
        <source>Unfreeze %1 %2</source>
        <translation>Einfrieren von %1 %2 aufheben</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Freeze %1 %2</source>
        <translation>%1 %2 einfrieren</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Method of %1 %2</source>
        <translation>Methode von %1 %2</translation>
    </message>
</context>
<context>
    <name>qkov::HeadGroupsView</name>
    <message>
        <location filename="../widgets/HeadGroupsView.cpp" line="+28"/>
        <source>Heads and key/value groups</source>
        <translation>Köpfe und Key/Value-Gruppen</translation>
    </message>
    <message>
        <location line="+44"/>
        <source>Head</source>
        <translation>Kopf</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>Layer %1</source>
        <translation>Schicht %1</translation>
    </message>
    <message>
        <location line="+11"/>
        <source>Colour = key/value group: query heads %1 at a time share one K/V head</source>
        <translation>Farbe = Key/Value-Gruppe: je %1 Query-Köpfe teilen sich einen K/V-Kopf</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Every query head has its own key/value head</source>
        <translation>Jeder Query-Kopf hat seinen eigenen Key/Value-Kopf</translation>
    </message>
</context>
<context>
    <name>qkov::HeatmapPlot</name>
    <message>
        <location filename="../widgets/HeatmapPlot.cpp" line="+47"/>
        <source>Layer by head heatmap</source>
        <translation>Heatmap Schicht mal Kopf</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>Head</source>
        <translation>Kopf</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Layer</source>
        <translation>Schicht</translation>
    </message>
    <message>
        <location line="+123"/>
        <source>Layer %1, head %2
score %3</source>
        <translation>Schicht %1, Kopf %2
Score %3</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>
p %1, q %2, z %3</source>
        <translation>
p %1, q %2, z %3</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>
95% CI [%1, %2]</source>
        <translation>
95-%-KI [%1, %2]</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>
KV group %1 (heads %2-%3 share K and V)</source>
        <translation>
KV-Gruppe %1 (Köpfe %2-%3 teilen K und V)</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>
Flagged (FDR)</source>
        <translation>
Markiert (FDR)</translation>
    </message>
</context>
<context>
    <name>qkov::HeatmapsPanel</name>
    <message>
        <location filename="../widgets/HeatmapsPanel.cpp" line="+30"/>
        <source>Heatmaps</source>
        <translation>Heatmaps</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>No analysis result</source>
        <translation>Kein Analyseergebnis</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>Heatmap of block %1</source>
        <translation>Heatmap von Block %1</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Block %1: layer x head interference; double-click freezes the head&apos;s %2 circuit</source>
        <translation>Block %1: Interferenz Schicht mal Kopf; ein Doppelklick friert den %2-Schaltkreis des Kopfes ein</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>QK</source>
        <translation>QK</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>OV</source>
        <translation>OV</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>Compare</source>
        <translation>Vergleich</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>The four blocks on one shared scale, and their means</source>
        <translation>Die vier Blöcke auf einer gemeinsamen Skala und ihre Mittelwerte</translation>
    </message>
    <message>
        <location line="+13"/>
        <source>Linear</source>
        <translation>Linear</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Log</source>
        <translation>Logarithmisch</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Colour scale</source>
        <translation>Farbskala</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Colour &amp;scale:</source>
        <translation>Farb&amp;skala:</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Solid outline: FDR-flagged. Dashed frame: selected head. Double-click or Space: freeze (QK on Q/K, OV on V/O).</source>
        <translation>Durchgezogener Rahmen: FDR-markiert. Gestrichelter Rahmen: ausgewählter Kopf. Doppelklick oder Leertaste: einfrieren (QK bei Q/K, OV bei V/O).</translation>
    </message>
    <message>
        <location line="+77"/>
        <source>Signed scores cross zero: a log scale cannot show them</source>
        <translation>Vorzeichenbehaftete Scores kreuzen die Null: eine logarithmische Skala kann sie nicht darstellen</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Linear or logarithmic colour scale</source>
        <translation>Lineare oder logarithmische Farbskala</translation>
    </message>
    <message>
        <location line="+15"/>
        <source>Open a model (Ctrl+O) or the demo model, load task A and task B in the Tasks panel, then press F5 to run the analysis.</source>
        <translation>Öffnen Sie ein Modell (Strg+O) oder das Demomodell, laden Sie Aufgabe A und Aufgabe B im Aufgaben-Panel und drücken Sie dann F5, um die Analyse zu starten.</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Load task A and task B in the Tasks panel, then press F5 to run the analysis.</source>
        <translation>Laden Sie Aufgabe A und Aufgabe B im Aufgaben-Panel und drücken Sie dann F5, um die Analyse zu starten.</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Both tasks are loaded: press F5 (Analysis &gt; Run) to compute the heatmaps.</source>
        <translation>Beide Aufgaben sind geladen: drücken Sie F5 (Analyse &gt; Starten), um die Heatmaps zu berechnen.</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>No analysis result yet.</source>
        <translation>Noch kein Analyseergebnis.</translation>
    </message>
    <message>
        <location line="+26"/>
        <source>Export as &amp;PDF...</source>
        <translation>Als &amp;PDF exportieren...</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Export as P&amp;NG...</source>
        <translation>Als P&amp;NG exportieren...</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Export as &amp;SVG...</source>
        <translation>Als &amp;SVG exportieren...</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Run an analysis first</source>
        <translation>Starten Sie zuerst eine Analyse</translation>
    </message>
    <message>
        <location line="+19"/>
        <source>PDF (*.pdf)</source>
        <translation>PDF (*.pdf)</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>PNG image (*.png)</source>
        <translation>PNG-Bild (*.png)</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>SVG (*.svg)</source>
        <translation>SVG (*.svg)</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Export figure</source>
        <translation>Abbildung exportieren</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>PNG resolution</source>
        <translation>PNG-Auflösung</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Dots per inch:</source>
        <translation>Punkte pro Zoll:</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>Export failed</source>
        <translation>Export fehlgeschlagen</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>there is no analysis result to export yet</source>
        <translation>es gibt noch kein Analyseergebnis zum Exportieren</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>unsupported figure format; use .pdf, .svg or .png</source>
        <translation>nicht unterstütztes Abbildungsformat; verwenden Sie .pdf, .svg oder .png</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>a PNG resolution of %1 dpi is out of range (36 to 2400)</source>
        <translation>eine PNG-Auflösung von %1 dpi liegt außerhalb des Bereichs (36 bis 2400)</translation>
    </message>
    <message>
        <location line="+13"/>
        <source>could not write the figure (check the folder exists and is writable)</source>
        <translation>die Abbildung konnte nicht geschrieben werden (prüfen Sie, ob der Ordner existiert und beschreibbar ist)</translation>
    </message>
</context>
<context>
    <name>qkov::JobRunner</name>
    <message>
        <location filename="../core/jobs/JobRunner.cpp" line="+60"/>
        <source>out of memory</source>
        <translation>Speicher erschöpft</translation>
    </message>
</context>
<context>
    <name>qkov::JobsPanel</name>
    <message>
        <location filename="../widgets/JobsPanel.cpp" line="+25"/>
        <source>about %1 s left</source>
        <translation>noch etwa %1 s</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>about %1 min left</source>
        <translation>noch etwa %1 min</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>about %1 h left</source>
        <translation>noch etwa %1 h</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>under 0.1 s</source>
        <translation>unter 0.1 s</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>%1 s</source>
        <translation>%1 s</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>%1 min %2 s</source>
        <translation>%1 min %2 s</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Clear finished</source>
        <translation>Abgeschlossene entfernen</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>No jobs yet. Loading a model or a dataset, or running the analysis (F5), shows its progress here.</source>
        <translation>Noch keine Jobs. Das Laden eines Modells oder Datensatzes und die Analyse (F5) zeigen ihren Fortschritt hier.</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Removes the finished jobs from the list.</source>
        <translation>Entfernt die abgeschlossenen Jobs aus der Liste.</translation>
    </message>
    <message>
        <location line="+14"/>
        <source>Jobs</source>
        <translation>Jobs</translation>
    </message>
    <message>
        <location line="+31"/>
        <source>Starting...</source>
        <translation>Wird gestartet...</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>Progress of %1</source>
        <translation>Fortschritt von %1</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Cancel</source>
        <translation>Abbrechen</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Cancel %1</source>
        <translation>%1 abbrechen</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Stops this job; what it would have replaced stays as it was.</source>
        <translation>Hält diesen Job an; was er ersetzt hätte, bleibt unverändert.</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Cancelling...</source>
        <translation>Wird abgebrochen...</translation>
    </message>
    <message>
        <location line="+51"/>
        <source>done in %1</source>
        <translation>fertig in %1</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>cancelled</source>
        <translation>abgebrochen</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>superseded by a newer job of the same kind</source>
        <translation>durch einen neueren Job derselben Art ersetzt</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>failed: %1</source>
        <translation>fehlgeschlagen: %1</translation>
    </message>
</context>
<context>
    <name>qkov::LayerHeadFigure</name>
    <message>
        <location filename="../widgets/LayerHeadFigure.cpp" line="+76"/>
        <source>, log scale</source>
        <translation>, logarithmische Skala</translation>
    </message>
</context>
<context>
    <name>qkov::LogPanel</name>
    <message>
        <location filename="../widgets/LogPanel.cpp" line="+13"/>
        <source>Log</source>
        <translation>Protokoll</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Warnings of the analyses (skipped records, degenerate references, ridge dominance) and errors appear here.</source>
        <translation>Warnungen der Analysen (übersprungene Einträge, entartete Referenzen, dominierender Ridge-Term) und Fehler erscheinen hier.</translation>
    </message>
</context>
<context>
    <name>qkov::MainWindow</name>
    <message>
        <location filename="../widgets/MainWindow.cpp" line="+74"/>
        <location line="+264"/>
        <source>No model</source>
        <translation>Kein Modell</translation>
    </message>
    <message>
        <location line="-261"/>
        <source>Cancel</source>
        <translation>Abbrechen</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Cancel the running job (Esc)</source>
        <translation>Den laufenden Job abbrechen (Esc)</translation>
    </message>
    <message>
        <location line="+36"/>
        <source>Could not open session</source>
        <translation>Sitzung konnte nicht geöffnet werden</translation>
    </message>
    <message>
        <location line="+30"/>
        <source>Heatmaps</source>
        <translation>Heatmaps</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Model overview</source>
        <translation>Modellübersicht</translation>
    </message>
    <message>
        <location line="+30"/>
        <source>Model</source>
        <translation>Modell</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Tasks</source>
        <translation>Aufgaben</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Analysis</source>
        <translation>Analyse</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Freezing</source>
        <translation>Einfrieren</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Probe</source>
        <translation>Probe</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Conflicts</source>
        <translation>Konflikte</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Jobs</source>
        <translation>Jobs</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Log</source>
        <translation>Protokoll</translation>
    </message>
    <message>
        <location line="+28"/>
        <location line="+8"/>
        <location line="+89"/>
        <location line="+3"/>
        <source>warning</source>
        <translation>Warnung</translation>
    </message>
    <message>
        <location line="-94"/>
        <location line="+146"/>
        <source>error</source>
        <translation>Fehler</translation>
    </message>
    <message>
        <location line="-136"/>
        <source>The analysis failed</source>
        <translation>Die Analyse ist fehlgeschlagen</translation>
    </message>
    <message>
        <location line="+14"/>
        <source>Loading %1</source>
        <translation>%1 wird geladen</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Reading %1</source>
        <translation>%1 wird gelesen</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>Could not open model</source>
        <translation>Modell konnte nicht geöffnet werden</translation>
    </message>
    <message>
        <location line="+58"/>
        <source>The session&apos;s model could not be opened (%1); the results show, freezing and probing need the model.</source>
        <translation>Das Modell der Sitzung konnte nicht geöffnet werden (%1); die Ergebnisse werden angezeigt, Einfrieren und Probe brauchen das Modell.</translation>
    </message>
    <message>
        <location line="+16"/>
        <source>Could not save the session</source>
        <translation>Die Sitzung konnte nicht gespeichert werden</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Saved %1</source>
        <translation>%1 gespeichert</translation>
    </message>
    <message>
        <location line="+13"/>
        <source>%1 - %2 layers x %3 heads, %4 KV heads, %5 parameters, %6 - %7 threads%8</source>
        <translation>%1 - %2 Schichten x %3 Köpfe, %4 KV-Köpfe, %5 Parameter, %6 - %7 Threads%8</translation>
    </message>
    <message numerus="yes">
        <location line="+4"/>
        <source> - %n head(s) frozen</source>
        <translation>
            <numerusform> - %n Kopf eingefroren</numerusform>
            <numerusform> - %n Köpfe eingefroren</numerusform>
        </translation>
    </message>
    <message>
        <location line="+5"/>
        <location line="+7"/>
        <source>QKOV Workbench</source>
        <translation>QKOV Workbench</translation>
    </message>
    <message numerus="yes">
        <location line="-1"/>
        <source> (%n frozen)</source>
        <translation>
            <numerusform> (%n eingefroren)</numerusform>
            <numerusform> (%n eingefroren)</numerusform>
        </translation>
    </message>
    <message>
        <location line="+1"/>
        <source> - QKOV Workbench</source>
        <translation> - QKOV Workbench</translation>
    </message>
    <message>
        <location line="+34"/>
        <source>Unsaved analysis</source>
        <translation>Nicht gespeicherte Analyse</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>The current analysis has unsaved changes. Save them first?</source>
        <translation>Die aktuelle Analyse hat nicht gespeicherte Änderungen. Zuerst speichern?</translation>
    </message>
    <message>
        <location line="+25"/>
        <source>Recover the last session?</source>
        <translation>Die letzte Sitzung wiederherstellen?</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>QKOV Workbench did not close cleanly last time. A recovery copy of the analysis from then is available. Open it?</source>
        <translation>QKOV Workbench wurde beim letzten Mal nicht ordnungsgemäß beendet. Eine Wiederherstellungskopie der damaligen Analyse ist verfügbar. Öffnen?</translation>
    </message>
    <message>
        <location filename="../widgets/MainWindowActions.cpp" line="+40"/>
        <source>&amp;File</source>
        <translation>&amp;Datei</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>&amp;Open Model...</source>
        <translation>&amp;Modell öffnen...</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Open a HuggingFace folder, a .safetensors file or a llama2.c checkpoint</source>
        <translation>Einen HuggingFace-Ordner, eine .safetensors-Datei oder einen llama2.c-Checkpoint öffnen</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Open Model &amp;Folder...</source>
        <translation>Modell&amp;ordner öffnen...</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Open model folder</source>
        <translation>Modellordner öffnen</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Open &amp;Demo Model</source>
        <translation>&amp;Demo-Modell öffnen</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>The embedded demo: a small model with a known induction circuit and its two tasks</source>
        <translation>Die eingebaute Demo: ein kleines Modell mit bekanntem Induktions-Schaltkreis und seinen beiden Aufgaben</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Open &amp;Session...</source>
        <translation>S&amp;itzung öffnen...</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Open &amp;Recent</source>
        <translation>&amp;Zuletzt geöffnet</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>&amp;Save Session</source>
        <translation>Sitzung &amp;speichern</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Save Session &amp;As...</source>
        <translation>Sitzung speichern &amp;unter...</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>&amp;Export Figure...</source>
        <translation>Abbildung &amp;exportieren...</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Export &amp;Report PDF...</source>
        <translation>Be&amp;richt als PDF exportieren...</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>&amp;Quit</source>
        <translation>&amp;Beenden</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>&amp;Edit</source>
        <translation>&amp;Bearbeiten</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>&amp;Undo</source>
        <translation>&amp;Rückgängig</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>&amp;Redo</source>
        <translation>&amp;Wiederherstellen</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Clear All &amp;Freezes</source>
        <translation>Alle Einfrierungen &amp;aufheben</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>&amp;Preferences...</source>
        <translation>&amp;Einstellungen...</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>&amp;Analysis</source>
        <translation>A&amp;nalyse</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>&amp;Run Analysis</source>
        <translation>Analyse &amp;starten</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>&amp;Cancel Job</source>
        <translation>Job abbre&amp;chen</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Open Dataset for Task &amp;A...</source>
        <translation>Datensatz für Aufgabe &amp;A öffnen...</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Open Dataset for Task &amp;B...</source>
        <translation>Datensatz für Aufgabe &amp;B öffnen...</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>&amp;View</source>
        <translation>&amp;Ansicht</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>&amp;Heatmaps</source>
        <translation>&amp;Heatmaps</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Model &amp;Overview</source>
        <translation>Modell&amp;übersicht</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>&amp;Help</source>
        <translation>&amp;Hilfe</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>&amp;About QKOV Workbench</source>
        <translation>&amp;Über QKOV Workbench</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>About QKOV Workbench</source>
        <translation>Über QKOV Workbench</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>&lt;b&gt;QKOV Workbench %1&lt;/b&gt;&lt;p&gt;QK-OV interference analysis of transformer attention heads: which heads do two tasks compete for?&lt;/p&gt;</source>
        <translation>&lt;b&gt;QKOV Workbench %1&lt;/b&gt;&lt;p&gt;QK-OV-Interferenzanalyse der Aufmerksamkeitsköpfe von Transformern: um welche Köpfe konkurrieren zwei Aufgaben?&lt;/p&gt;</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>Run an analysis first (F5)</source>
        <translation>Starten Sie zuerst eine Analyse (F5)</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>Open a model and load two tasks first</source>
        <translation>Öffnen Sie zuerst ein Modell und laden Sie zwei Aufgaben</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Open model</source>
        <translation>Modell öffnen</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Models (config.json *.safetensors *.bin);;All files (*)</source>
        <translation>Modelle (config.json *.safetensors *.bin);;Alle Dateien (*)</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>Preparing the demo model</source>
        <translation>Demo-Modell wird vorbereitet</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>info</source>
        <translation>Info</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Trained the demo model in %1 s (held-out loss: %2 %3, %4 %5) into %6</source>
        <translation>Demo-Modell in %1 s trainiert (Verlust auf zurückgehaltenen Daten: %2 %3, %4 %5) nach %6</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>Could not prepare the demo model</source>
        <translation>Das Demo-Modell konnte nicht vorbereitet werden</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Open session</source>
        <translation>Sitzung öffnen</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>QKOV sessions (*.qkov);;All files (*)</source>
        <translation>QKOV-Sitzungen (*.qkov);;Alle Dateien (*)</translation>
    </message>
    <message>
        <location line="+17"/>
        <source>Save session</source>
        <translation>Sitzung speichern</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>QKOV sessions (*.qkov)</source>
        <translation>QKOV-Sitzungen (*.qkov)</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>Export figure</source>
        <translation>Abbildung exportieren</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>PDF (*.pdf);;SVG (*.svg);;PNG, 300 dpi (*.png)</source>
        <translation>PDF (*.pdf);;SVG (*.svg);;PNG, 300 dpi (*.png)</translation>
    </message>
    <message>
        <location line="+5"/>
        <location line="+17"/>
        <source>Exported %1</source>
        <translation>%1 exportiert</translation>
    </message>
    <message>
        <location line="-15"/>
        <source>Could not export the figure</source>
        <translation>Die Abbildung konnte nicht exportiert werden</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>Export report</source>
        <translation>Bericht exportieren</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>PDF (*.pdf)</source>
        <translation>PDF (*.pdf)</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>Could not export the report</source>
        <translation>Der Bericht konnte nicht exportiert werden</translation>
    </message>
</context>
<context>
    <name>qkov::ModelDock</name>
    <message>
        <location filename="../widgets/ModelDock.cpp" line="+28"/>
        <source>Attention structure</source>
        <translation>Aufmerksamkeitsstruktur</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Filter tensors, layers, blocks...</source>
        <translation>Tensoren, Schichten, Blöcke filtern...</translation>
    </message>
    <message>
        <location line="+6"/>
        <location line="+31"/>
        <source>No model open.</source>
        <translation>Kein Modell geöffnet.</translation>
    </message>
    <message>
        <location line="-18"/>
        <source>%1: %2 layers, %3 heads (%4 KV), head dim %5 - detected from %6</source>
        <translation>%1: %2 Schichten, %3 Köpfe (%4 KV), Kopfdimension %5 - erkannt aus %6</translation>
    </message>
</context>
<context>
    <name>qkov::ModelOverview</name>
    <message>
        <location filename="../widgets/ModelOverview.cpp" line="+20"/>
        <source>HuggingFace folder</source>
        <translation>HuggingFace-Ordner</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>safetensors file</source>
        <translation>safetensors-Datei</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>llama2.c checkpoint (imported to HF layout)</source>
        <translation>llama2.c-Checkpoint (ins HF-Layout importiert)</translation>
    </message>
    <message>
        <location line="+47"/>
        <source>%1 model</source>
        <translation>%1-Modell</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Path</source>
        <translation>Pfad</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Checkpoint</source>
        <translation>Checkpoint</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Family</source>
        <translation>Familie</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>%1 (structure detected from %2)</source>
        <translation>%1 (Struktur erkannt aus %2)</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Layers</source>
        <translation>Schichten</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Query heads</source>
        <translation>Query-Köpfe</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Key/value heads</source>
        <translation>Key/Value-Köpfe</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>%1 (grouped-query: %2 query heads share each)</source>
        <translation>%1 (Grouped-Query: je %2 Query-Köpfe teilen sich einen)</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Head dim</source>
        <translation>Kopfdimension</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>%1 (values %2)</source>
        <translation>%1 (Values %2)</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Hidden size</source>
        <translation>Hidden Size</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Q/K/V layout</source>
        <translation>Q/K/V-Layout</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>fused (%1)</source>
        <translation>fusioniert (%1)</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>split</source>
        <translation>getrennt</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Parameters</source>
        <translation>Parameter</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>%1 (%2)</source>
        <translation>%1 (%2)</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Stacks</source>
        <translation>Stacks</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Tokenizer</source>
        <translation>Tokenizer</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>none found</source>
        <translation>keiner gefunden</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Note:</source>
        <translation>Hinweis:</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Attention heads (%1 layers x %2 heads)</source>
        <translation>Aufmerksamkeitsköpfe (%1 Schichten x %2 Köpfe)</translation>
    </message>
</context>
<context>
    <name>qkov::PreferencesDialog</name>
    <message>
        <location filename="../widgets/PreferencesDialog.cpp" line="+19"/>
        <source>Preferences</source>
        <translation>Einstellungen</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>System default (%1)</source>
        <translation>Systemstandard (%1)</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Language</source>
        <translation>Sprache</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>The language of menus, panels, dialogs and exported figures. The command-line tool and the messages of the model, dataset and session readers stay in English.</source>
        <translation>Die Sprache von Menüs, Panels, Dialogen und exportierten Abbildungen. Das Kommandozeilenwerkzeug und die Meldungen der Modell-, Datensatz- und Sitzungsleser bleiben englisch.</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>The new language takes effect the next time QKOV Workbench starts.</source>
        <translation>Die neue Sprache wird beim nächsten Start von QKOV Workbench wirksam.</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>&amp;Language:</source>
        <translation>&amp;Sprache:</translation>
    </message>
</context>
<context>
    <name>qkov::ProbePanel</name>
    <message>
        <location filename="../widgets/ProbePanel.cpp" line="+66"/>
        <source>Probe</source>
        <translation>Probe</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>A prompt to run baseline and frozen</source>
        <translation>Ein Prompt, der mit Basis und eingefroren ausgeführt wird</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Probe prompt</source>
        <translation>Probe-Prompt</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Probe status</source>
        <translation>Probe-Status</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Loss baseline and frozen</source>
        <translation>Loss Basis und eingefroren</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Mean next-token cross-entropy over the prompt (nats), baseline -&gt; frozen.</source>
        <translation>Mittlere Kreuzentropie des nächsten Tokens über den Prompt (nats), Basis -&gt; eingefroren.</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Baseline</source>
        <translation>Basis</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>p</source>
        <translation>p</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Frozen</source>
        <translation>Eingefroren</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Most likely next tokens after the prompt, without freezing</source>
        <translation>Wahrscheinlichste nächste Tokens nach dem Prompt, ohne Einfrieren</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Most likely next tokens with the freeze set applied</source>
        <translation>Wahrscheinlichste nächste Tokens mit den Einfrierungen</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Top next tokens, baseline and frozen</source>
        <translation>Top nächste Tokens, Basis und eingefroren</translation>
    </message>
    <message>
        <location line="+13"/>
        <source>How far each head&apos;s attention moved (total variation, mean over query positions). Click a head to select it.</source>
        <translation>Wie weit sich die Aufmerksamkeit jedes Kopfes verschoben hat (Totalvariation, Mittel über die Query-Positionen). Klicken Sie auf einen Kopf, um ihn auszuwählen.</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>&amp;Prompt:</source>
        <translation>&amp;Prompt:</translation>
    </message>
    <message>
        <location line="+75"/>
        <source>Open a model to probe the effect of freezing.</source>
        <translation>Öffnen Sie ein Modell, um die Wirkung des Einfrierens zu prüfen.</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>preparing the probe...</source>
        <translation>Probe wird vorbereitet...</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Prepare probe</source>
        <translation>Probe vorbereiten</translation>
    </message>
    <message>
        <location line="+30"/>
        <source>Type a prompt to probe.</source>
        <translation>Geben Sie einen Prompt für die Probe ein.</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>probing...</source>
        <translation>Probe läuft...</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Probe %1 frozen</source>
        <translation>Probe: %1 eingefroren</translation>
    </message>
    <message>
        <location line="+27"/>
        <source>Loss %1 → %2 (%3%4)</source>
        <translation>Loss %1 → %2 (%3%4)</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>token id %1</source>
        <translation>Token-ID %1</translation>
    </message>
    <message>
        <location line="+12"/>
        <source>Pattern change</source>
        <translation>Musteränderung</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>total variation</source>
        <translation>Totalvariation</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>%1 attention: baseline | frozen</source>
        <translation>%1 Aufmerksamkeit: Basis | eingefroren</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Select a head (freezing grid or heatmaps) to see its attention pattern.</source>
        <translation>Wählen Sie einen Kopf (Einfrier-Raster oder Heatmaps), um sein Aufmerksamkeitsmuster zu sehen.</translation>
    </message>
    <message>
        <location line="+37"/>
        <source>Reference: the prompt itself</source>
        <translation>Referenz: der Prompt selbst</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Mean, noise and resample freezes replace a head&apos;s values with statistics of reference activations. With no task loaded the probe uses its own prompt: mean (per position) and resample then give back the prompt&apos;s own values and change little or nothing; load tasks A and B for a real reference.</source>
        <translation>Einfrierungen mit Mittelwert, Rauschen und Resampling ersetzen die Werte eines Kopfes durch Statistiken von Referenzaktivierungen. Ohne geladene Aufgabe verwendet die Probe ihren eigenen Prompt: Mittelwert (pro Position) und Resampling geben dann die eigenen Werte des Prompts zurück und ändern wenig oder nichts; laden Sie die Aufgaben A und B für eine echte Referenz.</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Reference: %1</source>
        <translation>Referenz: %1</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>tasks A and B</source>
        <translation>Aufgaben A und B</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>one task</source>
        <translation>eine Aufgabe</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Mean, noise and resample freezes use reference activations of the first %1 texts of each loaded task.</source>
        <translation>Einfrierungen mit Mittelwert, Rauschen und Resampling verwenden Referenzaktivierungen der ersten %1 Texte jeder geladenen Aufgabe.</translation>
    </message>
</context>
<context>
    <name>qkov::ReportExport</name>
    <message>
        <location filename="../widgets/ReportExport.cpp" line="+35"/>
        <source>(none)</source>
        <translation>(keine)</translation>
    </message>
    <message>
        <location line="+33"/>
        <source>could not start a new page</source>
        <translation>eine neue Seite konnte nicht begonnen werden</translation>
    </message>
    <message>
        <location line="+59"/>
        <source>(not recorded)</source>
        <translation>(nicht aufgezeichnet)</translation>
    </message>
    <message>
        <location line="+89"/>
        <source>page %1</source>
        <translation>Seite %1</translation>
    </message>
    <message>
        <location line="+11"/>
        <source>QKOV interference report</source>
        <translation>QKOV-Interferenzbericht</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>%1: %2 vs %3. Generated %4 by QKOV Workbench.</source>
        <translation>%1: %2 gegen %3. Erstellt am %4 von QKOV Workbench.</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Model</source>
        <translation>Modell</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Path</source>
        <translation>Pfad</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Architecture</source>
        <translation>Architektur</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Layers x heads</source>
        <translation>Schichten x Köpfe</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>KV heads</source>
        <translation>KV-Köpfe</translation>
    </message>
    <message>
        <location line="+1"/>
        <location line="+6"/>
        <source>SHA-256</source>
        <translation>SHA-256</translation>
    </message>
    <message>
        <location line="-4"/>
        <source>Tasks</source>
        <translation>Aufgaben</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Task A</source>
        <translation>Aufgabe A</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Task B</source>
        <translation>Aufgabe B</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>%1 (n = %2 samples)</source>
        <translation>%1 (n = %2 Beispiele)</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>File</source>
        <translation>Datei</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Analysis settings</source>
        <translation>Analyseeinstellungen</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>seed used (%1)</source>
        <translation>verwendeter Seed (%1)</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Summary per block</source>
        <translation>Zusammenfassung pro Block</translation>
    </message>
    <message>
        <location line="+17"/>
        <location line="+96"/>
        <source>Block</source>
        <translation>Block</translation>
    </message>
    <message>
        <location line="-96"/>
        <source>Flagged heads</source>
        <translation>Markierte Köpfe</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Mean score</source>
        <translation>Mittlerer Score</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Max score</source>
        <translation>Maximaler Score</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Ridge-dominated</source>
        <translation>Ridge-dominiert</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Timings</source>
        <translation>Laufzeiten</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>%1 s</source>
        <translation>%1 s</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Warnings</source>
        <translation>Warnungen</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>None.</source>
        <translation>Keine.</translation>
    </message>
    <message>
        <location line="+13"/>
        <source>L%1.H%2 (score %3, q %4)</source>
        <translation>L%1.H%2 (Score %3, q %4)</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>No head of block %1 is flagged at FDR alpha = %2.</source>
        <translation>Kein Kopf von Block %1 ist bei FDR-alpha = %2 markiert.</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Flagged heads of block %1 (FDR alpha = %2, outlined): %3.</source>
        <translation>Markierte Köpfe von Block %1 (FDR-alpha = %2, umrandet): %3.</translation>
    </message>
    <message>
        <location line="+23"/>
        <source>yes</source>
        <translation>ja</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>no</source>
        <translation>nein</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Highest-scoring heads of block %1</source>
        <translation>Köpfe mit den höchsten Scores in Block %1</translation>
    </message>
    <message>
        <location line="+2"/>
        <location line="+38"/>
        <source>Layer</source>
        <translation>Schicht</translation>
    </message>
    <message>
        <location line="-38"/>
        <location line="+38"/>
        <source>Head</source>
        <translation>Kopf</translation>
    </message>
    <message>
        <location line="-38"/>
        <location line="+39"/>
        <source>Score</source>
        <translation>Score</translation>
    </message>
    <message>
        <location line="-39"/>
        <source>95% CI</source>
        <translation>95-%-KI</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>z</source>
        <translation>z</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>p</source>
        <translation>p</translation>
    </message>
    <message>
        <location line="+0"/>
        <location line="+39"/>
        <source>q</source>
        <translation>q</translation>
    </message>
    <message>
        <location line="-39"/>
        <location line="+39"/>
        <source>FDR</source>
        <translation>FDR</translation>
    </message>
    <message>
        <location line="-23"/>
        <source>Top conflicts</source>
        <translation>Top-Konflikte</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>The sample pairs with the highest interference scores (%1 listed; p and q are the head&apos;s). Text previews are cut to fit; the session file and the CSV export keep them whole.</source>
        <translation>Die Beispielpaare mit den höchsten Interferenz-Scores (%1 aufgeführt; p und q sind die des Kopfes). Textvorschauen sind gekürzt; die Sitzungsdatei und der CSV-Export enthalten sie vollständig.</translation>
    </message>
    <message>
        <location line="+21"/>
        <source>#</source>
        <translation>Nr.</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Sample A</source>
        <translation>Beispiel A</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Text A</source>
        <translation>Text A</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Sample B</source>
        <translation>Beispiel B</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Text B</source>
        <translation>Text B</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>the analysis result has no heatmaps to report</source>
        <translation>das Analyseergebnis hat keine Heatmaps für einen Bericht</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>cannot open the file for writing (%1)</source>
        <translation>die Datei kann nicht zum Schreiben geöffnet werden (%1)</translation>
    </message>
    <message>
        <location line="+10"/>
        <location line="+10"/>
        <source>QKOV report - %1 - %2 vs %3</source>
        <translation>QKOV-Bericht - %1 - %2 gegen %3</translation>
    </message>
    <message>
        <location line="-6"/>
        <source>cannot start the PDF</source>
        <translation>das PDF kann nicht begonnen werden</translation>
    </message>
    <message>
        <location line="+26"/>
        <source>All four blocks on one shared colour scale; bars: each block&apos;s mean over all heads.</source>
        <translation>Alle vier Blöcke auf einer gemeinsamen Farbskala; Balken: der Mittelwert jedes Blocks über alle Köpfe.</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>could not finish the PDF</source>
        <translation>das PDF konnte nicht abgeschlossen werden</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>could not write the file (%1)</source>
        <translation>die Datei konnte nicht geschrieben werden (%1)</translation>
    </message>
</context>
<context>
    <name>qkov::SessionController</name>
    <message>
        <location filename="../widgets/SessionController.cpp" line="+39"/>
        <source>there is no analysis to save yet: run one first (F5)</source>
        <translation>es gibt noch keine Analyse zum Speichern: starten Sie zuerst eine (F5)</translation>
    </message>
    <message>
        <location line="+22"/>
        <source>Opening %1</source>
        <translation>%1 wird geöffnet</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Reading session</source>
        <translation>Sitzung wird gelesen</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Opening its model</source>
        <translation>Ihr Modell wird geöffnet</translation>
    </message>
</context>
<context>
    <name>qkov::StartPage</name>
    <message>
        <location filename="../widgets/StartPage.cpp" line="+14"/>
        <source>Open model...</source>
        <translation>Modell öffnen...</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Open demo</source>
        <translation>Demo öffnen</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Open session...</source>
        <translation>Sitzung öffnen...</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>QKOV Workbench</source>
        <translation>QKOV Workbench</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Which attention heads do two tasks fight over? Open a model, load two tasks and run the analysis (F5). Drop a model folder, a .safetensors file, a llama2.c .bin or a .qkov session anywhere on this window.</source>
        <translation>Um welche Aufmerksamkeitsköpfe konkurrieren zwei Aufgaben? Öffnen Sie ein Modell, laden Sie zwei Aufgaben und starten Sie die Analyse (F5). Ziehen Sie einen Modellordner, eine .safetensors-Datei, eine llama2.c-.bin oder eine .qkov-Sitzung an eine beliebige Stelle dieses Fensters.</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>A HuggingFace folder (config.json + safetensors), a .safetensors file, or a llama2.c checkpoint (Ctrl+O)</source>
        <translation>Ein HuggingFace-Ordner (config.json + safetensors), eine .safetensors-Datei oder ein llama2.c-Checkpoint (Strg+O)</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>A small model trained here on two tasks with a known induction circuit; opens with both tasks loaded (trained once, in about a minute)</source>
        <translation>Ein kleines, hier auf zwei Aufgaben trainiertes Modell mit bekanntem Induktions-Schaltkreis; öffnet sich mit beiden Aufgaben geladen (einmal trainiert, in etwa einer Minute)</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Reopen a saved .qkov analysis session (Ctrl+Shift+O)</source>
        <translation>Eine gespeicherte .qkov-Analysesitzung erneut öffnen (Strg+Umschalt+O)</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>Recent models and sessions</source>
        <translation>Zuletzt verwendete Modelle und Sitzungen</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Recent models</source>
        <translation>Zuletzt verwendete Modelle</translation>
    </message>
    <message>
        <location line="+29"/>
        <source>missing</source>
        <translation>fehlt</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>No recent models yet.</source>
        <translation>Noch keine zuletzt verwendeten Modelle.</translation>
    </message>
</context>
<context>
    <name>qkov::StructureTreeModel</name>
    <message>
        <location filename="../core/itemmodels/StructureTreeModel.cpp" line="+58"/>
        <source>rows %1..%2</source>
        <translation>Zeilen %1..%2</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>cols %1..%2</source>
        <translation>Spalten %1..%2</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>rows %1.. every %2</source>
        <translation>Zeilen %1.. alle %2</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>cols %1.. every %2</source>
        <translation>Spalten %1.. alle %2</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>rows %1.. (grouped)</source>
        <translation>Zeilen %1.. (gruppiert)</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>cols %1.. (grouped)</source>
        <translation>Spalten %1.. (gruppiert)</translation>
    </message>
    <message>
        <location line="+24"/>
        <location line="+31"/>
        <source>%1 q / %2 kv</source>
        <translation>%1 q / %2 kv</translation>
    </message>
    <message>
        <location line="-29"/>
        <source>detected from %1</source>
        <translation>erkannt aus %1</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>%1
family %2, %3 layers, hidden %4, head dim %5
detection strategy: %6</source>
        <translation>%1
Familie %2, %3 Schichten, Hidden Size %4, Kopfdimension %5
Erkennungsstrategie: %6</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>fused QKV</source>
        <translation>fusioniertes QKV</translation>
    </message>
    <message>
        <location line="+2"/>
        <location line="+34"/>
        <source>MQA</source>
        <translation>MQA</translation>
    </message>
    <message>
        <location line="-34"/>
        <location line="+34"/>
        <source>GQA %1:1</source>
        <translation>GQA %1:1</translation>
    </message>
    <message>
        <location line="-31"/>
        <source>Note: %1</source>
        <translation>Hinweis: %1</translation>
    </message>
    <message>
        <location line="+12"/>
        <source>%1 stack</source>
        <translation>%1-Stack</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Layer %1</source>
        <translation>Schicht %1</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Attention</source>
        <translation>Aufmerksamkeit</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>%1, head dim %2</source>
        <translation>%1, Kopfdimension %2</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>%1
%2 query heads, %3 key/value heads, head dim %4, value head dim %5</source>
        <translation>%1
%2 Query-Köpfe, %3 Key/Value-Köpfe, Kopfdimension %4, Value-Kopfdimension %5</translation>
    </message>
    <message>
        <location line="+13"/>
        <source>%1 x %2</source>
        <translation>%1 x %2</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>%1 block of layer %2
tensor %3 %4
heads are %5 %6 (offset %7)%8</source>
        <translation>Block %1 von Schicht %2
Tensor %3 %4
Köpfe sind je %5 %6 (Offset %7)%8</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>rows</source>
        <translation>Zeilen</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>cols</source>
        <translation>Spalten</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>
bias %1</source>
        <translation>
Bias %1</translation>
    </message>
    <message>
        <location line="+66"/>
        <source>Structure</source>
        <translation>Struktur</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Tensor</source>
        <translation>Tensor</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Shape</source>
        <translation>Form</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Heads</source>
        <translation>Köpfe</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Head slices</source>
        <translation>Kopfausschnitte</translation>
    </message>
</context>
<context>
    <name>qkov::TaskSlotView</name>
    <message>
        <location filename="../widgets/TaskSlotView.cpp" line="+48"/>
        <source>Task %1</source>
        <translation>Aufgabe %1</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Task %1 name</source>
        <translation>Name von Aufgabe %1</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>The name shown in titles, tables and exported figures.</source>
        <translation>Der Name, der in Titeln, Tabellen und exportierten Abbildungen erscheint.</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Open dataset...</source>
        <translation>Datensatz öffnen...</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Open dataset for task %1</source>
        <translation>Datensatz für Aufgabe %1 öffnen</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Plain text (one record a line), JSONL with a &quot;text&quot; field and an optional &quot;id&quot;, or CSV with a &quot;text&quot; column. You can also drop a file here.</source>
        <translation>Reiner Text (ein Eintrag pro Zeile), JSONL mit einem Feld &quot;text&quot; und optional &quot;id&quot; oder CSV mit einer Spalte &quot;text&quot;. Sie können eine Datei auch hierher ziehen.</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Task %1 dataset file</source>
        <translation>Datensatzdatei von Aufgabe %1</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Task %1 record and token counts</source>
        <translation>Anzahl Einträge und Tokens von Aufgabe %1</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Task %1 first samples</source>
        <translation>Erste Beispiele von Aufgabe %1</translation>
    </message>
    <message>
        <location line="+13"/>
        <source>Task %1 warnings</source>
        <translation>Warnungen zu Aufgabe %1</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Task %1 error</source>
        <translation>Fehler bei Aufgabe %1</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Name:</source>
        <translation>Name:</translation>
    </message>
    <message>
        <location line="+24"/>
        <source>No dataset. Open one or drop a file here.</source>
        <translation>Kein Datensatz. Öffnen Sie einen oder ziehen Sie eine Datei hierher.</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>File: %1</source>
        <translation>Datei: %1</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>Tokenizing...</source>
        <translation>Wird tokenisiert...</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Not loaded.</source>
        <translation>Nicht geladen.</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Tokenization waits for a model: open one to count records and tokens.</source>
        <translation>Die Tokenisierung wartet auf ein Modell: öffnen Sie eines, um Einträge und Tokens zu zählen.</translation>
    </message>
    <message numerus="yes">
        <location line="+2"/>
        <source>%n record(s), </source>
        <translation>
            <numerusform>%n Eintrag, </numerusform>
            <numerusform>%n Einträge, </numerusform>
        </translation>
    </message>
    <message>
        <location line="+1"/>
        <source>%1 tokens (%2-%3 per sample)</source>
        <translation>%1 Tokens (%2-%3 pro Beispiel)</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>- reading stopped at the max-samples limit.</source>
        <translation>- das Lesen endete an der Grenze für max. Beispiele.</translation>
    </message>
    <message numerus="yes">
        <location line="+19"/>
        <location line="+5"/>
        <source>... and %n more</source>
        <translation>
            <numerusform>... und %n weiterer</numerusform>
            <numerusform>... und %n weitere</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location line="-4"/>
        <source>%n record(s) skipped:</source>
        <translation>
            <numerusform>%n Eintrag übersprungen:</numerusform>
            <numerusform>%n Einträge übersprungen:</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>qkov::TasksPanel</name>
    <message>
        <location filename="../widgets/TasksPanel.cpp" line="+66"/>
        <source>task B</source>
        <translation>Aufgabe B</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>task A</source>
        <translation>Aufgabe A</translation>
    </message>
    <message>
        <location line="+41"/>
        <source>Open dataset for task B</source>
        <translation>Datensatz für Aufgabe B öffnen</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Open dataset for task A</source>
        <translation>Datensatz für Aufgabe A öffnen</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Datasets (*.txt *.jsonl *.ndjson *.csv);;All files (*)</source>
        <translation>Datensätze (*.txt *.jsonl *.ndjson *.csv);;Alle Dateien (*)</translation>
    </message>
    <message>
        <location line="+42"/>
        <source>Tokenizing task B (%1)</source>
        <translation>Aufgabe B wird tokenisiert (%1)</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Tokenizing task A (%1)</source>
        <translation>Aufgabe A wird tokenisiert (%1)</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>Tokenizing</source>
        <translation>Tokenisierung</translation>
    </message>
    <message>
        <location line="+32"/>
        <source>%1: tokenization was cancelled; open the file again to load it</source>
        <translation>%1: die Tokenisierung wurde abgebrochen; öffnen Sie die Datei erneut, um sie zu laden</translation>
    </message>
</context>
<context>
    <name>qkov::WorkbenchDocument</name>
    <message>
        <location filename="../widgets/WorkbenchDocument.cpp" line="+14"/>
        <source>task A</source>
        <translation>Aufgabe A</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>task B</source>
        <translation>Aufgabe B</translation>
    </message>
</context>
</TS>
