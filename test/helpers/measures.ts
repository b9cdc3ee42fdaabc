/** The measures of the test collaboratives that collect metrics. */
export const MEASURES = [
  { key: 'children_served', name: 'Children served', type: 'count', min: 0, max: 500 },
  { key: 'fidelity', name: 'Fidelity (%)', type: 'percentage', target: 80 },
  { key: 'cds_used', name: 'Core Data Set used', type: 'yesno', coreDataSet: true },
  { key: 'notes', name: 'Notes', type: 'text', required: false },
];
