'use client';

/** Offers a CSV made on demand as a download (a Blob in the browser; nothing is fetched again). */
export function CsvButton({ fileName, csv, label = 'CSV', testId }: { fileName: string; csv: () => string; label?: string; testId: string }) {
  const download = () => {
    const url = URL.createObjectURL(new Blob([csv()], { type: 'text/csv;charset=utf-8' }));
    const link = document.createElement('a');
    link.href = url;
    link.download = fileName;
    document.body.append(link);
    link.click();
    link.remove();
    setTimeout(() => URL.revokeObjectURL(url), 0);
  };
  return (
    <button type="button" className="csv-button" onClick={download} data-testid={testId} title={`Download ${fileName}`}>
      ⤓ {label}
    </button>
  );
}
