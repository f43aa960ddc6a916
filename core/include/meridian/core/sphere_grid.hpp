#pragma once
// The global longitude-latitude grid: nx x ny cells covering the sphere, cell centres at
// lon = (i + 1/2) 360/nx degrees east and lat = -90 + (j + 1/2) 180/ny degrees north. Every metric is a
// pure function of the global index, so all ranks compute the same bits for the same cell.

namespace meridian::core {

class SphereGrid {
 public:
  SphereGrid(int nx, int ny, double radius = 6.371e6);

  int nx() const noexcept { return nx_; }
  int ny() const noexcept { return ny_; }
  double radius() const noexcept { return radius_; }  // m
  double dlon() const noexcept { return dlon_; }      // radians
  double dlat() const noexcept { return dlat_; }      // radians

  double lon_deg(int i) const noexcept;     // cell centre, degrees east in (0, 360)
  double lat_deg(int j) const noexcept;     // cell centre, degrees north in (-90, 90)
  double lon_edge_deg(int i) const noexcept;  // western edge of column i, degrees east; i = nx is 360
  double lat_edge_deg(int j) const noexcept;  // southern edge of row j, degrees north; j = ny is 90
  double lat(int j) const noexcept;         // cell centre, radians
  double lat_edge(int j) const noexcept;    // southern edge of row j, radians; j = ny is the north pole
  // Area of a cell in row j on the unit sphere: dlon (sin(lat_edge(j+1)) - sin(lat_edge(j))). Sums to 4 pi.
  double unit_area(int j) const noexcept;
  double area(int j) const noexcept { return unit_area(j) * radius_ * radius_; }  // m^2

 private:
  int nx_, ny_;
  double radius_, dlon_, dlat_;
};

}  // namespace meridian::core
